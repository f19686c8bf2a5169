package dev.tcplab.lab.exercises;

/** A sentence in English and in Chinese (the seed notes are Chinese; the class may read either). */
public record Text(String en, String zh) {

    public enum Lang { en, zh }

    public String in(Lang lang) {
        return lang == Lang.zh ? zh : en;
    }

    public static Text of(String en, String zh) {
        return new Text(en, zh);
    }
}
