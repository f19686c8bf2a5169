package dev.tcplab.lab.exercises;

import java.util.List;
import java.util.Optional;

/** Every exercise, in the order of the seed notes; then flow control and loss, beyond them. */
public final class Exercises {
    private Exercises() {
    }

    public static List<Exercise> all() {
        return List.of(new SeqAck(), new Handshake(), new Close(), new TimeWait(), new TwoWay(), new Keepalive(),
                new Window(),
                new Loss());
    }

    public static Optional<Exercise> named(String name) {
        return all().stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
