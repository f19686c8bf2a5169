package dev.tcplab.text;

/**
 * A sentence in English and in Chinese (the seed notes are Chinese; the class may read either). It sits
 * below every layer: the endpoint gives its reasons in both, and each renderer shows the one asked for.
 */
public record Text(String en, String zh) {

    /** Nothing to say, in either language. */
    public static final Text EMPTY = new Text("", "");

    public enum Lang {
        en, zh;

        /**
         * The language the environment asks messages in, by POSIX's order (LC_ALL, LC_MESSAGES, LANG):
         * Chinese where that is zh_CN, zh_TW, …, else English. Read from the variables rather than the
         * JVM's locale, which is English wherever the asked locale is not installed, as in a container run
         * with {@code -e LANG=zh_CN.UTF-8}.
         */
        public static Lang ofEnvironment(java.util.Map<String, String> env) {
            for (String name : new String[] {"LC_ALL", "LC_MESSAGES", "LANG"}) {
                String value = env.get(name);
                if (value != null && !value.isEmpty()) {
                    return value.startsWith("zh") ? zh : en;
                }
            }
            return en;
        }
    }

    public String in(Lang lang) {
        return lang == Lang.zh ? zh : en;
    }

    public static Text of(String en, String zh) {
        return new Text(en, zh);
    }
}
