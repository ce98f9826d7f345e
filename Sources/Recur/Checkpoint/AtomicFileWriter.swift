import Foundation

/// Writes a file so that a reader sees either the old contents or the new, never a mix, and a
/// crash or a full disk never destroys the old: write a uniquely named temporary file in the
/// target's directory, fsync it, rename it over the target, fsync the directory.
///
/// Rename is atomic only within one file system, hence the temporary file's location; the
/// directory fsync makes the rename itself survive a power loss.
public struct AtomicFileWriter {
    let fileSystem: any FileSystemOperations

    /// A writer that uses the real file system.
    public init() {
        self.init(fileSystem: POSIXFileSystem())
    }

    init(fileSystem: any FileSystemOperations) {
        self.fileSystem = fileSystem
    }

    /// Replaces the file at `url` with `data`, creating missing parent directories.
    ///
    /// - Throws: ``CheckpointError/writeFailed(path:operation:errno:)`` when any step before
    ///   the rename fails; the previous file, if any, is then untouched and the temporary file
    ///   removed. ``CheckpointError/writeNotDurable(path:errno:)`` when only the final directory
    ///   sync fails: the new file is in place but may not survive a power loss.
    public func write(_ data: Data, to url: URL) throws {
        let target = url.standardizedFileURL.path
        let directory = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        do {
            try fileSystem.makeDirectory(atPath: directory)
        } catch let error as FileSystemError {
            throw CheckpointError.writeFailed(path: target, operation: error.operation, errno: error.code)
        }
        let (descriptor, temporary) = try createTemporaryFile(in: directory, for: name, target: target)
        var isOpen = true
        do {
            try data.withUnsafeBytes { try fileSystem.writeAll($0, to: descriptor) }
            try fileSystem.synchronize(descriptor)
            isOpen = false
            try fileSystem.closeFile(descriptor)
            try fileSystem.renameItem(atPath: temporary, toPath: target)
        } catch {
            if isOpen { try? fileSystem.closeFile(descriptor) }
            fileSystem.removeItem(atPath: temporary)
            let failure = error as? FileSystemError ?? FileSystemError(operation: "writing", code: EIO)
            throw CheckpointError.writeFailed(path: target, operation: failure.operation, errno: failure.code)
        }
        do {
            try fileSystem.synchronizeDirectory(atPath: directory)
        } catch let error as FileSystemError {
            // EINVAL: the file system cannot sync directories (some network mounts); nothing to report.
            if error.code != EINVAL { throw CheckpointError.writeNotDurable(path: target, errno: error.code) }
        }
    }

    /// `.<name>.tmp-<pid>-<random>` beside the target, created exclusively so two writers never
    /// share one; hidden so directory listings of checkpoints do not show half-written files.
    private func createTemporaryFile(in directory: String, for name: String, target: String) throws -> (Int32, String) {
        var attempt = 0
        while true {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let path = (directory as NSString).appendingPathComponent(
                ".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(suffix)")
            do {
                return (try fileSystem.createExclusive(atPath: path), path)
            } catch let error as FileSystemError {
                attempt += 1
                if error.code == EEXIST, attempt < 8 { continue }
                throw CheckpointError.writeFailed(path: target, operation: error.operation, errno: error.code)
            }
        }
    }
}
