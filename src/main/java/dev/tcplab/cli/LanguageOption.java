package dev.tcplab.cli;

import dev.tcplab.text.Text;
import picocli.CommandLine.Option;

/** --lang for a live run: the language of its ladder's reasons and remarks and of what tcplab says around them. */
final class LanguageOption {
    @Option(names = "--lang", paramLabel = "en|zh", description = "Language of the ladder's reasons and remarks, the "
            + "lines on what was built and the last line (default: zh where the locale is Chinese, such as "
            + "LANG=zh_CN.UTF-8, else en). --format json stays English.")
    Text.Lang lang = Text.Lang.ofEnvironment(System.getenv());
}
