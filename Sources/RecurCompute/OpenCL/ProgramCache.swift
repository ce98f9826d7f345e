import Foundation
import Logging

/// Compiled OpenCL program binaries on disk, keyed by a hash of the source, the build options,
/// the device, its driver and its platform, so a second start on the same device does not
/// recompile (PoCL takes seconds per program). Entries are written to a temporary file and
/// renamed into place, so a crash mid-write never leaves a torn binary behind.
public struct ProgramCache: Sendable {
    public let directory: URL

    /// `$RECUR_CACHE_DIR`, else `$XDG_CACHE_HOME/recur/kernels`, else `~/.cache/recur/kernels`.
    public static func defaultDirectory() -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["RECUR_CACHE_DIR"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        let base = environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("recur/kernels")
    }

    public init(directory: URL = ProgramCache.defaultDirectory()) { self.directory = directory }

    public static func key(source: String, options: String, device: DeviceInfo) -> String {
        var hasher = FNV1a64()
        for part in [source, options, device.name, device.driver, device.version, device.platform] {
            hasher.combine(part)
        }
        return String(hasher.value, radix: 16)
    }

    public func load(name: String, key: String) -> [UInt8]? {
        let url = directory.appendingPathComponent("\(name)-\(key).bin")
        guard let data = try? Data(contentsOf: url), !data.isEmpty else { return nil }
        return [UInt8](data)
    }

    /// Best effort: a cache that cannot be written only costs a recompile next time.
    public func store(name: String, key: String, binary: [UInt8]) {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            let final = directory.appendingPathComponent("\(name)-\(key).bin")
            let temporary = directory.appendingPathComponent(".\(name)-\(key)-\(ProcessInfo.processInfo.processIdentifier).tmp")
            try Data(binary).write(to: temporary)
            if rename(temporary.path, final.path) != 0 { try? fm.removeItem(at: temporary) }
        } catch {
            Logger(label: "recur.opencl").notice("could not cache the compiled \(name) program in \(directory.path): \(error); it will be compiled again next run")
        }
    }
}

/// 64-bit FNV-1a: a stable, dependency-free hash for cache keys (not for security).
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(_ text: String) {
        for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        // A separator so ("ab", "c") and ("a", "bc") differ.
        value = (value ^ 0xff) &* 0x100_0000_01b3
    }
}
