import Foundation

/// What one launch of the `recur` binary did.
struct RecurOutcome { let status: Int32; let stdout: String; let stderr: String }

/// Launches the `recur` executable SwiftPM built next to the test bundle, as a user would, and
/// waits for it.
func runRecur(_ arguments: [String], environment extra: [String: String] = [:]) throws -> RecurOutcome {
    let process = Process()
    process.executableURL = recurExecutable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RecurOutcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                        stderr: String(decoding: stderr, as: UTF8.self))
}

var recurExecutable: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("recur")
}
