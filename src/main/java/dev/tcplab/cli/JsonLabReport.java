package dev.tcplab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tcplab.lab.exercises.Check;
import dev.tcplab.lab.exercises.LabReport;
import dev.tcplab.text.Text;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * `lab --format json`: a "run" object before each run's JSON lines, then a "check" object per check and
 * an "exercise" object with the verdict, in the language asked for. The runs' lines alone could not be
 * told apart (each run's time starts at 0 again) and the verdicts were prose on standard error.
 */
final class JsonLabReport implements LabReport {
    private final ObjectMapper mapper = new ObjectMapper();
    private final PrintWriter out;
    private final Text.Lang lang;

    JsonLabReport(PrintWriter out, Text.Lang lang) {
        this.out = out;
        this.lang = lang;
    }

    @Override
    public void run(String exercise, int n, int of, Text label, Path capture) {
        ObjectNode o = object("run", exercise);
        o.put("run", n);
        o.put("runs", of);
        o.put("label", label.in(lang));
        o.put("capture", capture.toString());
        write(o);
    }

    @Override
    public void check(String exercise, Check check) {
        ObjectNode o = object("check", exercise);
        o.put("passed", check.passed());
        o.put("claim", check.claim().in(lang));
        o.put("observed", check.observed().in(lang));
        write(o);
    }

    @Override
    public void exercise(String exercise, boolean passed) {
        ObjectNode o = object("exercise", exercise);
        o.put("passed", passed);
        write(o);
    }

    private ObjectNode object(String type, String exercise) {
        ObjectNode o = mapper.createObjectNode();
        o.put("type", type);
        o.put("exercise", exercise);
        return o;
    }

    private void write(ObjectNode o) {
        try {
            out.println(mapper.writeValueAsString(o));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }
}
