package dev.tcplab;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.tcplab.endpoint.Clock;
import dev.tcplab.endpoint.TcpState;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of DESIGN.md, checked on the compiled classes rather than trusted to review: which
 * package may use which, where the native libraries may be touched, and that the endpoint and the
 * analysis take their time from outside. A rule that breaks names each offending dependency.
 */
class LayersTest {
    private static JavaClasses tcplab;

    @BeforeAll
    static void importTheMainClasses() {
        tcplab = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tcplab");
    }

    @Test
    void arrowsPointDownOnly() {
        ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("dev.tcplab.cli..")
                .layer("lab").definedBy("dev.tcplab.lab..")
                .layer("endpoint").definedBy("dev.tcplab.endpoint..")
                .layer("analysis").definedBy("dev.tcplab.analysis..")
                .layer("trace").definedBy("dev.tcplab.trace..")
                .layer("link").definedBy("dev.tcplab.link..")
                .layer("netns").definedBy("dev.tcplab.netns..")
                .layer("capture").definedBy("dev.tcplab.capture..")
                .layer("host").definedBy("dev.tcplab.host..")
                .layer("wire").definedBy("dev.tcplab.wire..")
                .layer("text").definedBy("dev.tcplab.text..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("lab").mayOnlyBeAccessedByLayers("cli")
                // The endpoint and the analysis never reach the NIC or the namespaces: they speak wire and trace.
                .whereLayer("link").mayOnlyBeAccessedByLayers("lab", "cli")
                .whereLayer("netns").mayOnlyBeAccessedByLayers("lab", "cli")
                .whereLayer("analysis").mayOnlyBeAccessedByLayers("lab", "cli")
                .whereLayer("endpoint").mayOnlyBeAccessedByLayers("analysis", "lab", "cli")
                .whereLayer("trace").mayOnlyBeAccessedByLayers("analysis", "lab", "cli")
                .whereLayer("capture").mayOnlyBeAccessedByLayers("analysis", "lab", "cli")
                // What the machine offers (privileges, commands, a drain thread): never inside the endpoint's logic.
                .whereLayer("host").mayOnlyBeAccessedByLayers("trace", "link", "netns", "lab", "cli")
                .whereLayer("wire").mayOnlyBeAccessedByLayers("endpoint", "analysis", "trace", "link", "netns",
                        "lab", "cli");
        rule.check(tcplab);
    }

    @Test
    void noPackageDependsOnItselfInACircle() {
        slices().matching("dev.tcplab.(*)..").should().beFreeOfCycles().check(tcplab);
    }

    @Test
    void pcap4jOnlyInTheLink() {
        noClasses().that().resideOutsideOfPackage("dev.tcplab.link..")
                .should().dependOnClassesThat().resideInAPackage("org.pcap4j..")
                .because("the endpoint and the analysis never touch pcap4j (DESIGN.md), and captures are read "
                        + "without it (FIELD-NOTES: 120-150 k packets/s)")
                .check(tcplab);
    }

    @Test
    void nativeCallsOnlyWhereTheMachineIsTouched() {
        noClasses().that().resideOutsideOfPackages("dev.tcplab.host..", "dev.tcplab.link..", "dev.tcplab.netns..")
                .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
                .check(tcplab);
    }

    @Test
    void picocliOnlyInTheCommands() {
        noClasses().that().resideOutsideOfPackage("dev.tcplab.cli..")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .check(tcplab);
    }

    /**
     * The observer infers states from the wire on its own, so that comparing it with the endpoint
     * (ObserverAgreesWithEndpointLiveTest) compares two readings of RFC 9293, not one with itself.
     */
    @Test
    void theAnalysisSharesOnlyTheStateNamesWithTheEndpoint() {
        noClasses().that().resideInAPackage("dev.tcplab.analysis..")
                .should().dependOnClassesThat(resideInAPackage("dev.tcplab.endpoint..").and(not(type(TcpState.class))))
                .check(tcplab);
    }

    /** Timers run on an injected clock, so that tests drive them in simulated time. */
    @Test
    void theEndpointAndTheAnalysisReadNoClockAndNeverSleep() {
        noClasses().that().resideInAnyPackage("dev.tcplab.endpoint..", "dev.tcplab.analysis..")
                .and(not(type(Clock.class))) // Clock.SYSTEM: the one place real time comes in, chosen by the caller
                .should().accessTargetWhere(readsTheClockOrWaits())
                .check(tcplab);
    }

    private static DescribedPredicate<JavaAccess<?>> readsTheClockOrWaits() {
        Set<String> forbidden = Set.of("java.lang.System.nanoTime", "java.lang.System.currentTimeMillis",
                "java.lang.Thread.sleep", "java.lang.Object.wait", "java.util.concurrent.locks.LockSupport.parkNanos",
                "java.util.concurrent.locks.LockSupport.park", "java.time.Instant.now", "java.time.LocalDateTime.now",
                "java.time.ZonedDateTime.now", "java.time.Clock.systemUTC");
        return DescribedPredicate.describe("read the system clock or wait (nanoTime, currentTimeMillis, sleep, "
                        + "wait, park, now)",
                access -> forbidden.contains(access.getTargetOwner().getName() + "." + access.getName()));
    }
}
