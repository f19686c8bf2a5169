package dev.tcplab.lab.exercises;

import dev.tcplab.text.Text;
import java.nio.file.Path;

/**
 * What an exercise comes to, for a reader other than a person: which run the lines that follow belong
 * to, each check's verdict, the exercise's. `lab --format json` writes these among the runs' JSON lines,
 * so that a script (a grader, say) needs nothing from the prose on standard error.
 */
public interface LabReport {
    LabReport NONE = new LabReport() {
    };

    /** Run {@code n} of {@code of} starts; its events follow. */
    default void run(String exercise, int n, int of, Text label, Path capture) {
    }

    default void check(String exercise, Check check) {
    }

    default void exercise(String exercise, boolean passed) {
    }
}
