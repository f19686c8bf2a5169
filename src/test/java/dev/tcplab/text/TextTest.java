package dev.tcplab.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcplab.text.Text.Lang;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void theLanguageIsTheFirstOfLcAllLcMessagesAndLangThatIsSet() {
        assertEquals(Lang.zh, Lang.ofEnvironment(Map.of("LANG", "zh_CN.UTF-8")));
        assertEquals(Lang.zh, Lang.ofEnvironment(Map.of("LANG", "zh_TW.Big5")));
        assertEquals(Lang.en, Lang.ofEnvironment(Map.of("LANG", "de_DE.UTF-8")));
        assertEquals(Lang.en, Lang.ofEnvironment(Map.of()), "no locale at all");
        assertEquals(Lang.en, Lang.ofEnvironment(Map.of("LANG", "zh_CN.UTF-8", "LC_MESSAGES", "C")));
        assertEquals(Lang.zh, Lang.ofEnvironment(Map.of("LC_ALL", "zh_CN.UTF-8", "LC_MESSAGES", "en_US.UTF-8")));
        assertEquals(Lang.zh, Lang.ofEnvironment(Map.of("LC_ALL", "", "LANG", "zh_SG.UTF-8")), "an empty one is unset");
    }

    @Test
    void aTextIsReadInTheLanguageAskedFor() {
        Text t = Text.of("close", "挥手");
        assertEquals("close", t.in(Lang.en));
        assertEquals("挥手", t.in(Lang.zh));
    }
}
