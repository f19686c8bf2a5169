// How long reading one frame takes right after the peer kernel wrote it, inside our own send: a SYN
// goes out with pcap_sendpacket, and the SYN+ACK (made by the peer kernel in softirq within that
// call) is read at once, COUNT times. Modes: "ring" reads with libpcap's pcap_next_ex from its
// TPACKET_V2 ring (SNAPLEN decides how many frame slots share a 4 KB page); "socket" reads with
// recvfrom(2) from a plain AF_PACKET socket. Used by bench/ring-read.sh, which builds the network.
//   ring-read ring|socket IFACE COUNT OUR_MAC PEER_MAC SNAPLEN FIRST_PORT
// No libpcap headers needed (libpcap-dev is not installed here): the few functions are declared below.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>

typedef struct pcap pcap_t;
struct pcap_pkthdr { struct timeval ts; uint32_t caplen; uint32_t len; };
struct bpf_program { unsigned int bf_len; void *bf_insns; };
pcap_t *pcap_create(const char *, char *);
int pcap_set_snaplen(pcap_t *, int);
int pcap_set_immediate_mode(pcap_t *, int);
int pcap_set_timeout(pcap_t *, int);
int pcap_activate(pcap_t *);
int pcap_setnonblock(pcap_t *, int, char *);
int pcap_compile(pcap_t *, struct bpf_program *, const char *, int, uint32_t);
int pcap_setfilter(pcap_t *, struct bpf_program *);
int pcap_setdirection(pcap_t *, int);
int pcap_next_ex(pcap_t *, struct pcap_pkthdr **, const unsigned char **);
int pcap_sendpacket(pcap_t *, const unsigned char *, int);

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static uint32_t sum16(const unsigned char *p, int n, uint32_t s) {
    for (int i = 0; i + 1 < n; i += 2) s += p[i] << 8 | p[i + 1];
    if (n & 1) s += p[n - 1] << 8;
    return s;
}

static uint16_t fold(uint32_t s) {
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return ~s & 0xffff;
}

// 10.77.2.1:sport -> 10.77.2.2:7 (bench/lab-net.sh's peer), SYN with Linux's options.
static void syn_frame(unsigned char f[74], const unsigned char *mac, const unsigned char *pmac, int sport) {
    memset(f, 0, 74);
    memcpy(f, pmac, 6); memcpy(f + 6, mac, 6); f[12] = 8;
    unsigned char *ip = f + 14;
    ip[0] = 0x45; ip[3] = 60; ip[6] = 0x40; ip[8] = 64; ip[9] = 6;
    ip[12] = 10; ip[13] = 77; ip[14] = 2; ip[15] = 1; ip[16] = 10; ip[17] = 77; ip[18] = 2; ip[19] = 2;
    uint16_t c = fold(sum16(ip, 20, 0)); ip[10] = c >> 8; ip[11] = c;
    unsigned char *tcp = ip + 20;
    tcp[0] = sport >> 8; tcp[1] = sport; tcp[3] = 7; tcp[4] = 0x12; tcp[5] = 0x34;
    tcp[12] = 0xa0; tcp[13] = 0x02; tcp[14] = 0xfa; tcp[15] = 0xf0;
    unsigned char opt[20] = {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
    memcpy(tcp + 20, opt, 20);
    unsigned char ph[12] = {10, 77, 2, 1, 10, 77, 2, 2, 0, 6, 0, 40};
    c = fold(sum16(tcp, 40, sum16(ph, 12, 0))); tcp[16] = c >> 8; tcp[17] = c;
}

static int is_synack(const unsigned char *b, int n) {
    return n >= 54 && b[12] == 8 && b[14 + 9] == 6 && b[14 + 15] == 2 && (b[34 + 13] & 0x12) == 0x12;
}

int main(int argc, char **argv) {
    if (argc != 8) { fprintf(stderr, "usage: ring-read ring|socket IFACE COUNT OUR_MAC PEER_MAC SNAPLEN FIRST_PORT\n"); return 2; }
    int ring = strcmp(argv[1], "ring") == 0, n = atoi(argv[3]), snaplen = atoi(argv[6]), port = atoi(argv[7]);
    unsigned char mac[6], pmac[6];
    sscanf(argv[4], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]);
    sscanf(argv[5], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &pmac[0], &pmac[1], &pmac[2], &pmac[3], &pmac[4], &pmac[5]);
    char err[256];
    pcap_t *tx = pcap_create(argv[2], err);
    pcap_set_immediate_mode(tx, 1);
    if (pcap_activate(tx) < 0) { fprintf(stderr, "cannot open %s\n", argv[2]); return 1; }
    pcap_t *rx = NULL;
    int fd = -1;
    if (ring) {
        rx = pcap_create(argv[2], err);
        pcap_set_snaplen(rx, snaplen); pcap_set_immediate_mode(rx, 1); pcap_set_timeout(rx, 10);
        if (pcap_activate(rx) < 0) { fprintf(stderr, "cannot open %s\n", argv[2]); return 1; }
        struct bpf_program bp;
        pcap_compile(rx, &bp, "tcp and src host 10.77.2.2", 1, 0);
        pcap_setfilter(rx, &bp); pcap_setdirection(rx, 1); pcap_setnonblock(rx, 1, err);
    } else {
        fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
        struct sockaddr_ll sll = {0};
        sll.sll_family = AF_PACKET; sll.sll_protocol = htons(ETH_P_IP); sll.sll_ifindex = if_nametoindex(argv[2]);
        if (fd < 0 || bind(fd, (struct sockaddr *) &sll, sizeof sll) != 0) { perror("socket"); return 1; }
    }
    long *t = calloc(n, sizeof(long));
    unsigned char buf[2048], f[74];
    struct pcap_pkthdr *h;
    const unsigned char *d;
    for (int i = 0; i < n; i++) {
        syn_frame(f, mac, pmac, port + i);
        if (ring) { while (pcap_next_ex(rx, &h, &d) == 1) { } } else { while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) { } }
        struct timespec pause = {0, 200000};
        nanosleep(&pause, NULL);   // idle between handshakes, as a live run is
        pcap_sendpacket(tx, f, sizeof f);
        long t0 = now_ns();
        t[i] = -1;
        if (ring) {
            if (pcap_next_ex(rx, &h, &d) == 1 && is_synack(d, h->caplen)) t[i] = now_ns() - t0;
        } else {
            for (int k = 0; k < 4; k++) {   // our own SYN comes first (outgoing), then the SYN+ACK
                struct sockaddr_ll from; socklen_t fl = sizeof from;
                int r = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *) &from, &fl);
                if (r <= 0) break;
                if (from.sll_pkttype != PACKET_OUTGOING && is_synack(buf, r)) { t[i] = now_ns() - t0; break; }
            }
        }
    }
    long ok = 0, over5 = 0;
    double sum = 0;
    for (int i = 0; i < n; i++) if (t[i] >= 0) { ok++; sum += t[i]; if (t[i] > 5000) over5++; }
    printf("%-6s snaplen %-5d: %ld of %d SYN+ACKs read at once; mean %.1f us; above 5 us: %ld; the last ten:",
           argv[1], snaplen, ok, n, ok ? sum / 1000.0 / ok : 0.0, over5);
    for (int i = n - 10; i < n; i++) printf(" %.1f", t[i] / 1000.0);
    printf("\n");
    return 0;
}
