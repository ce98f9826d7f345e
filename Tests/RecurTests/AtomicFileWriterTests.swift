import Foundation
import XCTest
@testable import Recur

/// A file system that fails one chosen step of an atomic write, as a full disk or a yanked
/// mount would; writes half the bytes before failing a write, like a disk that fills up.
private struct FailingFileSystem: FileSystemOperations {
    enum Step: CaseIterable { case makeDirectory, create, write, synchronize, close, rename, synchronizeDirectory }

    let failing: Step
    let code: Int32
    private let real = POSIXFileSystem()

    init(failing: Step, code: Int32) {
        self.failing = failing
        self.code = code
    }

    private func check(_ step: Step, _ operation: String) throws {
        if step == failing { throw FileSystemError(operation: operation, code: code) }
    }

    func makeDirectory(atPath path: String) throws {
        try check(.makeDirectory, "creating directory \(path)")
        try real.makeDirectory(atPath: path)
    }

    func createExclusive(atPath path: String) throws -> Int32 {
        try check(.create, "creating the temporary file")
        return try real.createExclusive(atPath: path)
    }

    func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        guard failing == .write else { return try real.writeAll(bytes, to: descriptor) }
        try real.writeAll(UnsafeRawBufferPointer(rebasing: bytes.prefix(bytes.count / 2)), to: descriptor)
        try check(.write, "writing the temporary file")
    }

    func synchronize(_ descriptor: Int32) throws {
        try check(.synchronize, "flushing the temporary file to disk")
        try real.synchronize(descriptor)
    }

    func closeFile(_ descriptor: Int32) throws {
        try real.closeFile(descriptor)
        try check(.close, "closing the temporary file")
    }

    func renameItem(atPath source: String, toPath destination: String) throws {
        try check(.rename, "renaming the temporary file into place")
        try real.renameItem(atPath: source, toPath: destination)
    }

    func synchronizeDirectory(atPath path: String) throws {
        try check(.synchronizeDirectory, "syncing the directory")
        try real.synchronizeDirectory(atPath: path)
    }

    func removeItem(atPath path: String) {
        real.removeItem(atPath: path)
    }
}

final class AtomicFileWriterTests: XCTestCase {
    private var directory: URL!
    private var target: URL!
    private let previous = Data("previous checkpoint".utf8)

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory(self)
        target = directory.appendingPathComponent("model.safetensors")
        try AtomicFileWriter().write(previous, to: target)
    }

    private func directoryListing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    func testWriteReplacesTheFileAndLeavesNoTemporaryFiles() throws {
        try AtomicFileWriter().write(Data("new".utf8), to: target)
        XCTAssertEqual(try Data(contentsOf: target), Data("new".utf8))
        XCTAssertEqual(try directoryListing(), ["model.safetensors"])
    }

    func testDiskFullMidWriteKeepsThePreviousCheckpoint() throws {
        let writer = AtomicFileWriter(fileSystem: FailingFileSystem(failing: .write, code: ENOSPC))
        XCTAssertThrowsCheckpointError(
            try sampleCheckpoint().write(to: target, using: writer),
            .writeFailed(path: target.path, operation: "writing the temporary file", errno: ENOSPC),
            mentioning: [target.path, "writing the temporary file", "unchanged", "Free disk space"])
        XCTAssertEqual(try Data(contentsOf: target), previous)
        XCTAssertEqual(try directoryListing(), ["model.safetensors"], "the half-written temporary file is removed")
    }

    func testAFailureAtAnyStepBeforeTheRenameKeepsThePreviousCheckpoint() throws {
        for step in FailingFileSystem.Step.allCases where step != .synchronizeDirectory {
            let writer = AtomicFileWriter(fileSystem: FailingFileSystem(failing: step, code: EIO))
            XCTAssertThrowsError(try sampleCheckpoint().write(to: target, using: writer), "\(step)") { error in
                guard case let .writeFailed(path, _, code)? = error as? CheckpointError else {
                    return XCTFail("\(step): expected writeFailed, got \(error)")
                }
                XCTAssertEqual(path, target.path)
                XCTAssertEqual(code, EIO)
            }
            XCTAssertEqual(try Data(contentsOf: target), previous, "\(step)")
            XCTAssertEqual(try directoryListing(), ["model.safetensors"], "\(step)")
        }
    }

    func testADirectorySyncFailureAfterTheRenameSaysTheFileMayNotBeDurable() throws {
        let failing = AtomicFileWriter(fileSystem: FailingFileSystem(failing: .synchronizeDirectory, code: EIO))
        XCTAssertThrowsCheckpointError(try failing.write(Data("new".utf8), to: target),
                                       .writeNotDurable(path: target.path, errno: EIO),
                                       mentioning: [target.path, "was written", "power loss"])
        XCTAssertEqual(try Data(contentsOf: target), Data("new".utf8))

        let unsupported = AtomicFileWriter(fileSystem: FailingFileSystem(failing: .synchronizeDirectory, code: EINVAL))
        XCTAssertNoThrow(try unsupported.write(Data("newer".utf8), to: target))
    }

    func testADirectoryPathThatCannotBeCreatedFailsWithAdvice() throws {
        let blocked = target.appendingPathComponent("nested/epoch-2.safetensors")
        XCTAssertThrowsCheckpointError(
            try sampleCheckpoint().write(to: blocked),
            .writeFailed(path: blocked.path, operation: "creating directory \(target.path)", errno: ENOTDIR),
            mentioning: [blocked.path, "exists and is a directory"])
        XCTAssertEqual(try Data(contentsOf: target), previous)
    }

    func testATargetThatIsADirectoryIsNotReplaced() throws {
        let occupied = directory.appendingPathComponent("occupied.safetensors")
        try FileManager.default.createDirectory(at: occupied, withIntermediateDirectories: false)
        XCTAssertThrowsError(try sampleCheckpoint().write(to: occupied)) { error in
            guard case let .writeFailed(path, operation, _)? = error as? CheckpointError else {
                return XCTFail("expected writeFailed, got \(error)")
            }
            XCTAssertEqual(path, occupied.path)
            XCTAssertEqual(operation, "renaming the temporary file into place")
        }
        XCTAssertEqual(try directoryListing(), ["model.safetensors", "occupied.safetensors"])
    }
}
