import Foundation

/// Where tuned CLBlast parameters live: one JSON file per device. Unlike compiled kernels they
/// take minutes to regenerate, so they are data, not cache: `$RECUR_TUNING_DIR`, else
/// `$XDG_DATA_HOME/recur/clblast`, else `~/.local/share/recur/clblast`.
public struct CLBlastTuningStore: Sendable {
    public let directory: URL

    public static func defaultDirectory() -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["RECUR_TUNING_DIR"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        let base = environment["XDG_DATA_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
        return base.appendingPathComponent("recur/clblast")
    }

    public init(directory: URL = CLBlastTuningStore.defaultDirectory()) { self.directory = directory }

    /// The device's identity as tuning sees it: the same hardware under another driver or
    /// platform may want other parameters.
    public static func identity(of device: DeviceInfo) -> String {
        "\(device.name) | \(device.platform) | \(device.version) | driver \(device.driver)"
    }

    public func url(for device: DeviceInfo) -> URL {
        var hasher = FNV1a64()
        hasher.combine(Self.identity(of: device))
        return directory.appendingPathComponent("\(String(hasher.value, radix: 16)).json")
    }

    /// The stored tuning for `device`, or nil when it has none (or the file is not ours).
    public func load(for device: DeviceInfo) -> CLBlastTuning? {
        guard let data = try? Data(contentsOf: url(for: device)),
              let tuning = try? JSONDecoder().decode(CLBlastTuning.self, from: data),
              tuning.device == Self.identity(of: device) else { return nil }
        return tuning
    }

    public func save(_ tuning: CLBlastTuning, for device: DeviceInfo) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(tuning).write(to: url(for: device), options: .atomic)
    }

    public func remove(for device: DeviceInfo) throws {
        let url = url(for: device)
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
    }
}
