package dev.tcplab.lab.exercises;

import dev.tcplab.text.Text;

/**
 * One claim of the seed notes, compared with what happened.
 *
 * @param claim    what the notes (or RFC 9293) say should happen
 * @param passed   whether the run showed it
 * @param observed the numbers seen, so that a FAIL says what happened instead (in both languages)
 */
public record Check(Text claim, boolean passed, Text observed) {

    public static Check of(Text claim, boolean passed, Text observed) {
        return new Check(claim, passed, observed);
    }
}
