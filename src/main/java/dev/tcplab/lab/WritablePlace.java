package dev.tcplab.lab;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks, before a live run builds anything, that a file it will write at the end (its capture, its
 * picture) can be written there. A run used to build its lab network first and then die with
 * "unexpected error: UncheckedIOException", or finish with a stack trace and no picture.
 */
public final class WritablePlace {
    private WritablePlace() {
    }

    /**
     * Makes the file's folder (as the run would) and opens the file for writing, then leaves it as it was:
     * a file already there is not cut short, and none is left where there was none.
     *
     * @param what      what the file is, for the message ("the capture")
     * @param otherwise what to do instead, for the message
     * @throws IllegalArgumentException saying why and what to do instead
     */
    public static Path check(Path file, String what, String otherwise) {
        boolean existed = Files.exists(file);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
            if (!existed) {
                Files.delete(file);
            }
        } catch (IOException | SecurityException e) {
            String why = e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NoSuchFileException ? "a file cannot be made there"
                    : e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                    : e.getMessage();
            throw new IllegalArgumentException("cannot write " + what + " " + file + " (" + why + "): " + otherwise, e);
        }
        return file;
    }
}
