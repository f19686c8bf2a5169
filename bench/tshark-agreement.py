#!/usr/bin/env python3
"""Compares tcplab's analysis of a capture with tshark's, segment by segment, in constant memory.

    tshark-agreement.py TCPLAB_JSONL TSHARK_FIELDS
    tshark-agreement.py --fields     the tshark -e arguments, one a line, that TSHARK_FIELDS holds

TCPLAB_JSONL is `tcplab analyze --format json FILE`; TSHARK_FIELDS is tshark's fields for the same
file (`tshark -T fields -E separator='|'` with the arguments --fields prints). Both list the TCP segments in frame
order, so they are read side by side. Prints the number of segments, how many differ, and the
differences grouped by kind with a few frames of each; exits 1 when any differ.
"""
import json
import sys
from collections import defaultdict

# The analysis flags both tools compute, after the seven fields tshark is asked for first.
TSHARK_FIELDS = ["frame.number", "tcp.stream", "tcp.seq", "tcp.ack", "tcp.flags", "tcp.len", "tcp.window_size"]
FLAGS = ("retransmission fast_retransmission spurious_retransmission out_of_order lost_segment "
         "ack_lost_segment keep_alive keep_alive_ack duplicate_ack zero_window zero_window_probe "
         "zero_window_probe_ack window_full window_update reused_ports").split()
FIELDS = ("conn", "seq", "ack", "len", "win", "flags")


def theirs(path):
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("|")
            if not p[4]:
                continue  # a header tshark could not decode (a data offset below 5): tcplab skips it too
            ack_bit = int(p[4], 16) & 0x10
            flags = [FLAGS[i] for i in range(len(FLAGS)) if p[7 + i]]
            yield int(p[0]), (int(p[1]) + 1, int(p[2]), int(p[3]) if ack_bit else None, int(p[5]), int(p[6]), flags)


def ours(path):
    with open(path) as f:
        for line in f:
            o = json.loads(line)
            if o["type"] != "segment":
                continue
            flags = sorted((e for e in o["events"] if e in FLAGS), key=FLAGS.index)
            yield o["frame"], (o["conn"], o["seq"], o["ack"], o["len"], o["win"], flags)


def main():
    if sys.argv[1:] == ["--fields"]:
        for field in TSHARK_FIELDS + ["tcp.analysis." + f for f in FLAGS]:
            print("-e\n" + field)
        return 0
    ours_path, theirs_path = sys.argv[1:3]
    segments = differ = 0
    kinds = defaultdict(list)
    mine, other = ours(ours_path), theirs(theirs_path)
    for (frame_t, t), (frame_o, o) in zip(other, mine):
        segments += 1
        if frame_t != frame_o:
            print(f"frame {frame_t} is a TCP segment to tshark, frame {frame_o} is the next one to tcplab")
            return 1
        if t != o:
            differ += 1
            fields = [FIELDS[i] for i in range(len(FIELDS)) if t[i] != o[i]]
            if fields == ["flags"]:
                kind = "flags: tshark only %s, tcplab only %s" % (sorted(set(t[5]) - set(o[5])), sorted(set(o[5]) - set(t[5])))
            else:
                kind = "fields " + ", ".join(fields)
            kinds[kind].append(frame_t)
    left_over = next(other, None) or next(mine, None)
    if left_over:
        print(f"one tool lists more segments than the other, from frame {left_over[0]} on")
        return 1
    print(f"{segments} segments, {differ} differ")
    for kind, frames in sorted(kinds.items(), key=lambda k: -len(k[1])):
        print(f"  {len(frames):8d}  {kind}; frames {', '.join(map(str, frames[:8]))}{' …' if len(frames) > 8 else ''}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
