package dev.tcplab.analysis;

import dev.tcplab.text.Text;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Passes on only the connections asked for ({@code --conn N}, {@code --port P}); the capture's
 * totals still cover the whole file.
 */
public final class Selection extends ForwardingSink {
    private final List<Integer> conns;
    private final List<Integer> ports;
    private long connectionsPassed;

    public Selection(AnalysisSink next, List<Integer> conns, List<Integer> ports) {
        super(next);
        this.conns = List.copyOf(conns);
        this.ports = List.copyOf(ports);
    }

    /** Refuses before a file is read what no capture can hold: a connection below 1, a port beyond 16 bits. */
    public static void check(List<Integer> conns, List<Integer> ports) {
        List<Integer> badConns = conns.stream().filter(n -> n < 1).toList();
        if (!badConns.isEmpty()) {
            throw new IllegalArgumentException("--conn " + joined(badConns) + ": connections are numbered from 1 in order"
                    + " of appearance (--summary lists them)");
        }
        List<Integer> badPorts = ports.stream().filter(p -> p < 0 || p > 65535).toList();
        if (!badPorts.isEmpty()) {
            throw new IllegalArgumentException("--port " + joined(badPorts) + ": a TCP port is 0..65535");
        }
    }

    private boolean wanted(int conn, int portA, int portB) {
        return (conns.isEmpty() || conns.contains(conn)) && (ports.isEmpty() || ports.contains(portA) || ports.contains(portB));
    }

    @Override
    public void segment(AnalyzedSegment s) {
        if (wanted(s.conn(), s.src().port(), s.dst().port())) {
            next.segment(s);
        }
    }

    @Override
    public void connection(ConnectionSummary c) {
        if (wanted(c.conn(), c.client().port(), c.server().port())) {
            connectionsPassed++;
            next.connection(c);
        }
    }

    /**
     * After the run: a sentence naming what was asked for and is not in the capture (a connection
     * number beyond the last, a port no connection used), or null when everything asked for was there.
     */
    public String missing(AnalysisStats stats) {
        List<Integer> absent = conns.stream().filter(n -> n < 1 || n > stats.connections).toList();
        if (!absent.isEmpty()) {
            return "no connection " + joined(absent)
                    + ": the capture has " + stats.connections + (stats.connections == 1 ? " connection" : " connections")
                    + ", numbered from 1 in order of appearance (--summary lists them)";
        }
        if (connectionsPassed == 0 && !ports.isEmpty()) {
            String which = ports.stream().map(String::valueOf).collect(Collectors.joining(" or "));
            return (conns.isEmpty() ? "no connection has port " + which
                    : (conns.size() == 1 ? "connection " : "connections ") + joined(conns) + " used no port " + which)
                    + " at either end (--summary lists the connections)";
        }
        return null;
    }

    private static String joined(List<Integer> numbers) {
        return numbers.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }


    /** Several sinks fed the same results, in order. */
    public static AnalysisSink tee(AnalysisSink... sinks) {
        return new AnalysisSink() {
            @Override
            public void segment(AnalyzedSegment s) {
                for (AnalysisSink k : sinks) {
                    k.segment(s);
                }
            }

            @Override
            public void connection(ConnectionSummary c) {
                for (AnalysisSink k : sinks) {
                    k.connection(c);
                }
            }

            @Override
            public void note(Text text) {
                for (AnalysisSink k : sinks) {
                    k.note(text);
                }
            }

            @Override
            public void injected(InjectedFault fault) {
                for (AnalysisSink k : sinks) {
                    k.injected(fault);
                }
            }

            @Override
            public void finish(AnalysisStats stats) {
                for (AnalysisSink k : sinks) {
                    k.finish(stats);
                }
            }
        };
    }
}
