package dev.tcplab.endpoint;

/** Where the endpoint reads time: real monotonic time live, a manual clock in tests. */
@FunctionalInterface
public interface Clock {
    long nanos();

    Clock SYSTEM = System::nanoTime;
}
