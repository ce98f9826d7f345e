import Foundation

/// The machine a report was measured on.
public struct MachineInfo: Sendable, Codable, Hashable {
    public var hostname: String
    public var cpuModel: String
    public var cores: Int
    public var memoryBytes: UInt64
    public var operatingSystem: String

    /// "2-core AMD EPYC …": short enough for a file name.
    public var shortName: String {
        let words = cpuModel.split(separator: " ").prefix(3).joined(separator: " ")
        return "\(cores)core-\(words.isEmpty ? hostname : words)"
    }

    public init(hostname: String, cpuModel: String, cores: Int, memoryBytes: UInt64, operatingSystem: String) {
        self.hostname = hostname; self.cpuModel = cpuModel; self.cores = cores; self.memoryBytes = memoryBytes
        self.operatingSystem = operatingSystem
    }

    /// Read from `/proc/cpuinfo` and the process info (Linux); fields it cannot read say "unknown".
    public static func current() -> MachineInfo {
        let info = ProcessInfo.processInfo
        var model = "unknown"
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return MachineInfo(hostname: info.hostName, cpuModel: model, cores: info.activeProcessorCount,
                           memoryBytes: info.physicalMemory, operatingSystem: info.operatingSystemVersionString)
    }
}

/// The commit the binary measures: `RECUR_COMMIT` when set (a binary copied to a GPU host has
/// no checkout), else `git rev-parse` in the current directory, else "unknown".
public enum SourceCommit {
    public static func current() -> String {
        if let commit = ProcessInfo.processInfo.environment["RECUR_COMMIT"], !commit.isEmpty { return commit }
        guard let commit = git(["rev-parse", "--short=12", "HEAD"]), !commit.isEmpty else { return "unknown" }
        let changes = git(["status", "--porcelain", "--untracked-files=no"]) ?? ""
        return changes.isEmpty ? commit : commit + "-dirty"
    }

    /// `git ARGUMENTS`' trimmed output, or nil when git is missing or fails.
    static func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
