package dev.tcplab.text;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks that a sentence shown to a reader is told in English and, separately, in Chinese. */
public final class BothLanguages {
    private BothLanguages() {
    }

    public static void assertTold(Text t) {
        assertFalse(t.en().isBlank(), "an English sentence: " + t);
        assertTrue(hasChinese(t.zh()), "a Chinese sentence, not English again: " + t);
        assertNotEquals(t.en(), t.zh(), "translated: " + t);
    }

    /** Whether {@code s} holds a CJK ideograph: what a Chinese sentence has and an English one does not. */
    public static boolean hasChinese(String s) {
        return s.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN);
    }
}
