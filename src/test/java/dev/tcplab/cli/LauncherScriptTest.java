package dev.tcplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's choice of JVM for reading captures (scripts/deps.sh), on made-up JDK directories. The
 * whole path, the newest JDK here with its start-up cache, is checked by lab-scripts/launcher-check.sh.
 */
class LauncherScriptTest {
    @TempDir
    Path dir;

    private static String bash(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", ". scripts/deps.sh; " + script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("bash failed: " + out);
        }
        return out;
    }

    private Path fakeJdk(String name, String version) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Path java = Files.writeString(home.resolve("bin/java"), "#!/bin/sh\nexit 0\n");
        java.toFile().setExecutable(true);
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
        return java;
    }

    @Test
    void theFeatureVersionIsReadFromTheReleaseFileWithoutStartingAJvm() throws Exception {
        Path java25 = fakeJdk("temurin-25", "25.0.3");
        Path java17 = fakeJdk("openjdk-17", "17.0.15");
        fakeJdk("ancient-1.8", "1.8.0_402");
        assertEquals("25", bash("jdk_version " + java25));
        assertEquals("17", bash("jdk_version " + java17));
        assertEquals("1", bash("release_version " + dir.resolve("ancient-1.8/release")));
        assertEquals("", bash("release_version " + dir.resolve("nowhere/release")));
    }

    @Test
    void aCommandOnPathIsFollowedThroughItsSymlinksToItsJdk() throws Exception {
        Path java25 = fakeJdk("temurin-25", "25.0.3");
        Path bin = Files.createDirectories(dir.resolve("path-bin"));
        Files.createSymbolicLink(bin.resolve("java"), java25);
        assertEquals("25", bash("PATH=" + bin + ":$PATH; jdk_version java"));
        assertEquals("", bash("jdk_version tcplab-no-such-java"));
        assertEquals("25 17", bash("v=0; w=0; jdk_version_into v " + java25 + "; release_version_into w "
                + fakeJdk("openjdk-17", "17.0.15").getParent().resolveSibling("release") + "; echo $v $w"),
                "the variable named is set, not printed");
    }

    @Test
    void aLinkIntoTheJvmDirectoryIsMatchedWithoutAReadlinkProcess() throws Exception {
        Path java25 = fakeJdk("temurin-25", "25.0.3");
        Path bin = Files.createDirectories(dir.resolve("path-bin"));
        Path alternatives = Files.createDirectories(dir.resolve("alternatives"));
        Files.createSymbolicLink(alternatives.resolve("java"), java25);
        Files.createSymbolicLink(bin.resolve("java"), alternatives.resolve("java"));
        // A readlink that fails: the version must come from comparing files in TCPLAB_JVM_DIR.
        Files.writeString(bin.resolve("readlink"), "#!/bin/sh\nexit 1\n").toFile().setExecutable(true);
        assertEquals("25", bash("TCPLAB_JVM_DIR=" + dir + " PATH=" + bin + ":$PATH; jdk_version java"));
        assertEquals("", bash("TCPLAB_JVM_DIR=" + dir.resolve("empty") + " PATH=" + bin + ":$PATH; jdk_version java"),
                "elsewhere, readlink is asked (and here it fails)");
    }

    @Test
    void theJarIsStaleWhenASourceThePomOrAFileListIsNewer() throws Exception {
        Path top = Files.createDirectories(dir.resolve("project"));
        Path source = Files.createDirectories(top.resolve("src/main/java/x")).resolve("A.java");
        Files.writeString(source, "class A {}");
        Files.writeString(top.resolve("pom.xml"), "<project/>");
        Path jar = Files.createDirectories(top.resolve("target")).resolve("tcplab.jar");
        String stale = "jar_is_stale " + top + " && echo stale || echo fresh; shopt -q globstar && echo globstar-left-on; true";
        assertEquals("stale", bash(stale), "no jar yet");
        Files.writeString(jar, "jar");
        java.nio.file.attribute.FileTime later = java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000);
        Files.setLastModifiedTime(jar, later);
        assertEquals("fresh", bash(stale));
        Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(later.toMillis() + 1000));
        assertEquals("stale", bash(stale), "a source edited after the build");
        Files.setLastModifiedTime(source, later);
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(later.toMillis() + 2000));
        assertEquals("fresh", bash(stale));
        Files.setLastModifiedTime(top.resolve("pom.xml"), java.nio.file.attribute.FileTime.fromMillis(later.toMillis() + 3000));
        assertEquals("stale", bash(stale), "the pom edited");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(later.toMillis() + 4000));
        Files.setLastModifiedTime(source.getParent(), java.nio.file.attribute.FileTime.fromMillis(later.toMillis() + 5000));
        assertEquals("stale", bash(stale), "a file added or removed: its directory's time");
    }

    @Test
    void noLocaleOrTheCLocaleGivesTheJvmUtf8AndAnExplicitOneIsObeyed() throws Exception {
        String ctype = "unset LC_ALL LC_CTYPE LANG; %s utf8_ctype; echo \"${LC_CTYPE:-unset}\"";
        assertEquals("C.UTF-8", bash(ctype.formatted("")), "no locale at all (env -i, a container)");
        assertEquals("C.UTF-8", bash(ctype.formatted("LANG=C;")));
        assertEquals("C.UTF-8", bash(ctype.formatted("LANG=en_US.UTF-8; LC_CTYPE=POSIX;")), "LC_CTYPE wins over LANG");
        assertEquals("unset", bash(ctype.formatted("LANG=de_DE.UTF-8;")));
        assertEquals("unset", bash(ctype.formatted("LANG=zh_CN.GB18030;")), "a locale's own charset is kept");
        assertEquals("unset", bash(ctype.formatted("export LC_ALL=C;")), "LC_ALL is the user's explicit choice");
    }

    @Test
    void tcplabJavaOverridesTheChoice() throws Exception {
        assertEquals("/opt/some/java", bash("TCPLAB_JAVA=/opt/some/java reading_java"));
    }

    @Test
    void noStartUpCacheOrArchiveWithoutAJarToMakeThemFrom() throws Exception {
        Path java17 = fakeJdk("openjdk-17", "17.0.15");
        assertEquals("", bash("aot_cache_options " + dir + " " + java17 + " json -Xmx160m"));
        assertEquals("", bash("aot_cache_options " + dir + " " + fakeJdk("openjdk-11", "11.0.2") + " json -Xmx160m"));
        assertEquals("", bash("aot_cache_options " + dir + " " + fakeJdk("temurin-25", "25.0.3") + " text -Xmx160m"));
    }

    /** A project with a jar and the sample capture, for the archive or the caches to be made from. */
    private Path projectToArchive() throws IOException {
        Path top = Files.createDirectories(dir.resolve("project"));
        Files.writeString(Files.createDirectories(top.resolve("target")).resolve("tcplab.jar"), "jar");
        Files.writeString(Files.createDirectories(top.resolve("captures")).resolve("kernel-mix.pcap"), "pcap");
        return top;
    }

    @Test
    void jdk17To24ReadWithAClassDataArchiveMadeOncePerBuild() throws Exception {
        Path top = projectToArchive();
        Path java21 = fakeJdk("openjdk-21", "21.0.4");
        // Lists the classes a run loaded: its output's kind (the JSON writer or the ladder), and one class both
        // load; writes what -Xshare:dump was given where -XX:SharedArchiveFile= says.
        Files.writeString(java21, """
                #!/bin/sh
                list=; kind=Ladder; shared=
                for a; do case $a in
                  -XX:DumpLoadedClassList=*) list=${a#*=} ;;
                  json) kind=Json ;;
                  -XX:SharedClassListFile=*) shared=${a#*=} ;;
                  -XX:SharedArchiveFile=*) cat "$shared" > "${a#*=}" ;;
                esac; done
                [ -z "$list" ] || printf 'dev/tcplab/analysis/Analyzer\ndev/tcplab/analysis/Analysis%s\n' $kind > "$list"
                """);
        Path archive = top.resolve("target/aot/analyze-jdk21.jsa");
        assertEquals("tcplab: preparing analyze-jdk21.jsa, a class-data archive for reading captures with JDK 21 (once per "
                + "build)\n-XX:SharedArchiveFile=" + archive + " -Xlog:cds=off",
                bash("aot_cache_options " + top + " " + java21 + " json -Xmx160m"));
        assertEquals(List.of("analyze-jdk21.jsa"), List.of(top.resolve("target/aot").toFile().list()),
                "the class lists and the partial archive are gone");
        assertEquals(List.of("dev/tcplab/analysis/Analyzer", "dev/tcplab/analysis/AnalysisJson",
                "dev/tcplab/analysis/AnalysisLadder"), Files.readAllLines(archive),
                "one archive for both kinds of output: the classes of each, each once");
        assertEquals("-XX:SharedArchiveFile=" + archive + " -Xlog:cds=off",
                bash("aot_cache_options " + top + " " + java21 + " text -Xmx160m"), "made once, for either kind");
    }

    @Test
    void jdk25ReadsWithAStartUpCacheForEachKindOfOutput() throws Exception {
        Path top = projectToArchive();
        Path java25 = fakeJdk("temurin-25", "25.0.3");
        // Writes where -XX:AOTCacheOutput= says what the training run was asked to print.
        Files.writeString(java25, """
                #!/bin/sh
                for a; do case $a in -XX:AOTCacheOutput=*) cache=${a#*=} ;; esac; done
                case " $* " in *" --format json "*) echo json > "$cache" ;; *) echo text > "$cache" ;; esac
                """);
        Path aot = top.resolve("target/aot");
        for (String kind : List.of("json", "text")) {
            Path cache = aot.resolve("analyze-jdk25-" + kind + ".aot");
            assertEquals("tcplab: preparing " + cache.getFileName() + ", a start-up cache for reading captures with "
                    + "JDK 25 (once per build)\n-XX:AOTCache=" + cache + " -Xlog:aot=off -Xlog:cds=off",
                    bash("aot_cache_options " + top + " " + java25 + " " + kind + " -Xmx160m"));
            assertEquals(kind, Files.readString(cache).trim(), "trained on the output it is for");
            assertEquals("-XX:AOTCache=" + cache + " -Xlog:aot=off -Xlog:cds=off",
                    bash("aot_cache_options " + top + " " + java25 + " " + kind + " -Xmx160m"), "made once");
        }
        assertEquals(List.of("analyze-jdk25-json.aot", "analyze-jdk25-text.aot"),
                Arrays.stream(aot.toFile().list()).sorted().toList(), "no training capture left");
    }

    @Test
    void theKindOfOutputIsReadFromAnalyzesArguments() throws Exception {
        String kinds = "for args in '' 'f.pcap' '--format json f' '--format=JSON f' '--summary --format Json f' "
                + "'--format text f' '--format svg -o x.svg f' 'f --format' '-- --format json'; do "
                + "reading_kind_into k $args; printf '%s ' $k; done";
        assertEquals("text text json json json text text text text", bash(kinds));
    }

    @Test
    void anArchiveTheJdkCouldNotWriteIsNotUsedAndNothingIsLeftHalfWritten() throws Exception {
        Path top = projectToArchive();
        Path java17 = fakeJdk("openjdk-17", "17.0.15");
        // Lists the classes, starts the archive, then fails: JDK 17 crashes on a truncated archive, so none may be
        // left for the next run.
        Files.writeString(java17, """
                #!/bin/sh
                for a; do case $a in
                  -XX:DumpLoadedClassList=*) echo dev/tcplab/analysis/Analyzer > "${a#*=}" ;;
                  -XX:SharedArchiveFile=*) echo half > "${a#*=}"; exit 1 ;;
                esac; done
                """);
        assertEquals("tcplab: preparing analyze-jdk17.jsa, a class-data archive for reading captures with JDK 17 (once per "
                + "build)\ntcplab: could not make the archive; reading without it",
                bash("aot_cache_options " + top + " " + java17 + " json -Xmx160m"));
        assertEquals(List.of(), List.of(top.resolve("target/aot").toFile().list()));
    }

    /*
     * The JVM takes a compile command for a method that does not exist without a word, so a renamed
     * member method of the JSON writer would quietly undo what the command measured (docs/performance.md).
     */
    @Test
    void theReadingJvmsCompileCommandsNameMethodsThatExist() throws Exception {
        List<String> commands = List.of(bash("printf '%s\\n' \"${READING_JVM_OPTIONS[@]}\"").split("\n")).stream()
                .filter(o -> o.startsWith("-XX:CompileCommand=dontinline,")).toList();
        assertFalse(commands.isEmpty(), "the reading JVM keeps some methods apart");
        for (String command : commands) {
            String pattern = command.substring("-XX:CompileCommand=dontinline,".length());
            String className = pattern.substring(0, pattern.indexOf("::"));
            String methodGlob = pattern.substring(pattern.indexOf("::") + 2);
            List<String> matching = Arrays.stream(Class.forName(className).getDeclaredMethods())
                    .map(Method::getName).filter(name -> name.matches(methodGlob.replace("*", ".*"))).distinct().toList();
            assertFalse(matching.isEmpty(), command + " names no method of " + className);
        }
    }
}
