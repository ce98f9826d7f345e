import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: which step of a write it was, and the `errno` it left.
struct FileSystemError: Error, Equatable {
    let operation: String
    let code: Int32
}

/// The system calls an atomic file write is made of. ``AtomicFileWriter`` uses
/// ``POSIXFileSystem``; tests substitute one that fails a chosen step, to show that a failed
/// write leaves the previous file as it was.
protocol FileSystemOperations {
    /// Creates the directory and any missing parents; succeeds if it already exists.
    func makeDirectory(atPath path: String) throws
    /// Creates and opens a new file for writing; fails with `EEXIST` if the name is taken.
    func createExclusive(atPath path: String) throws -> Int32
    func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws
    func synchronize(_ descriptor: Int32) throws
    func closeFile(_ descriptor: Int32) throws
    func renameItem(atPath source: String, toPath destination: String) throws
    func synchronizeDirectory(atPath path: String) throws
    /// Best effort: cleaning up after a failure must not hide the failure.
    func removeItem(atPath path: String)
}

/// ``FileSystemOperations`` as plain POSIX calls.
struct POSIXFileSystem: FileSystemOperations {
    func makeDirectory(atPath path: String) throws {
        if isDirectory(path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectory(atPath: parent) }
        if mkdir(path, 0o777) != 0 {
            let code = errno
            guard code == EEXIST else { throw FileSystemError(operation: "creating directory \(path)", code: code) }
            // Something is there: fine if another process just made the directory, not if it is a file.
            guard isDirectory(path) else { throw FileSystemError(operation: "creating directory \(path)", code: ENOTDIR) }
        }
    }

    func createExclusive(atPath path: String) throws -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileSystemError(operation: "creating the temporary file", code: errno) }
        return descriptor
    }

    func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            // Linux writes at most ~2 GiB per call; ask for 1 GiB at a time.
            let written = write(descriptor, next, min(remaining, 1 << 30))
            if written < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(operation: "writing the temporary file", code: errno)
            }
            next += written
            remaining -= written
        }
    }

    func synchronize(_ descriptor: Int32) throws {
        guard fsync(descriptor) == 0 else {
            throw FileSystemError(operation: "flushing the temporary file to disk", code: errno)
        }
    }

    func closeFile(_ descriptor: Int32) throws {
        guard close(descriptor) == 0 else { throw FileSystemError(operation: "closing the temporary file", code: errno) }
    }

    func renameItem(atPath source: String, toPath destination: String) throws {
        guard rename(source, destination) == 0 else {
            throw FileSystemError(operation: "renaming the temporary file into place", code: errno)
        }
    }

    func synchronizeDirectory(atPath path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError(operation: "opening the directory to sync it", code: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileSystemError(operation: "syncing the directory", code: errno) }
    }

    func removeItem(atPath path: String) {
        unlink(path)
    }

    private func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }
}
