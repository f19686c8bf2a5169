package dev.tcplab.capture;

/**
 * One interface a pcapng file was captured on: its name (the file's if_name, or "interface N") and how
 * many of the file's packets came from it. A packet captured on two interfaces is in the file twice.
 */
public record CaptureInterface(String name, int linkType, long packets) {
}
