import Foundation

/// What `--device` asked for.
public enum DeviceRequest: Hashable, Sendable, CustomStringConvertible {
    /// The first OpenCL GPU, else the first OpenCL device, else the CPU backend.
    case automatic
    case cpu
    /// `opencl` alone means the automatic OpenCL choice.
    case openCL(index: Int?)
    /// A case-insensitive substring of a device's name (`--device h100`).
    case named(String)

    public init(parsing text: String) {
        let lowered = text.lowercased()
        switch lowered {
        case "", "auto", "automatic": self = .automatic
        case "cpu": self = .cpu
        case "opencl", "gpu": self = .openCL(index: nil)
        default:
            if lowered.hasPrefix("opencl:"), let index = Int(lowered.dropFirst("opencl:".count)) {
                self = .openCL(index: index)
            } else if let index = Int(lowered) {
                self = .openCL(index: index)
            } else {
                self = .named(text)
            }
        }
    }

    public var description: String {
        switch self {
        case .automatic: return "auto"
        case .cpu: return "cpu"
        case .openCL(let index): return index.map { "opencl:\($0)" } ?? "opencl"
        case .named(let name): return name
        }
    }
}

/// The backend chosen for a run, and the one line to tell the user about it.
public struct BackendSelection {
    public let backend: Backend
    /// Set when the choice differs from what was asked (a fallback to the CPU), with the reason.
    public let warning: String?
    /// The compiler's build log when a kernel program failed, for `--verbose`.
    public let buildLog: String?
    /// "OpenCL on NVIDIA H100 (opencl:0)" / "CPU backend".
    public var summary: String {
        backend.device.kind == .cpu ? backend.device.name : "OpenCL on \(backend.device.name) (\(backend.device.identifier))"
    }
}

/// Finds the devices of this machine and makes the backend a request names, falling back to
/// the CPU backend — with a warning naming the reason — when no OpenCL device is usable.
public struct BackendSelector {
    public let devices: [OpenCLDeviceEntry]
    /// Why there are no OpenCL devices, when there are none.
    public let discoveryProblem: String?
    public var cache: ProgramCache?
    /// Replaces kernel families' sources (kernel development; tests that break a kernel).
    public var sourceOverrides: [String: String]

    public init(cache: ProgramCache? = ProgramCache(), sourceOverrides: [String: String] = KernelOverrides.fromEnvironment()) {
        let found = OpenCLDiscovery.discover()
        devices = found.devices
        discoveryProblem = found.problem
        self.cache = cache
        self.sourceOverrides = sourceOverrides
    }

    /// Every device a user can pick, the CPU backend last.
    public var deviceInfos: [DeviceInfo] { devices.map(\.info) + [CPUBackend().device] }

    /// The OpenCL device a request names, or nil for the CPU. Throws for a name or index that
    /// matches nothing.
    public func entry(for request: DeviceRequest) throws -> OpenCLDeviceEntry? {
        let available = deviceInfos.map { "\($0.identifier) (\($0.name))" }
        switch request {
        case .cpu:
            return nil
        case .automatic, .openCL(index: nil):
            return devices.first(where: \.isGPU) ?? devices.first
        case .openCL(let index?):
            guard devices.indices.contains(index) else {
                throw ComputeError.unknownDevice(requested: "opencl:\(index)", available: available)
            }
            return devices[index]
        case .named(let name):
            guard let match = devices.first(where: { $0.info.name.lowercased().contains(name.lowercased()) }) else {
                throw ComputeError.unknownDevice(requested: name, available: available)
            }
            return match
        }
    }

    public func select(_ request: DeviceRequest) throws -> BackendSelection {
        if request == .cpu { return BackendSelection(backend: CPUBackend(), warning: nil, buildLog: nil) }
        guard let entry = try entry(for: request) else {
            let reason = discoveryProblem ?? "no OpenCL device found"
            let advice = request == .automatic
                ? "install an OpenCL driver (pocl-opencl-icd, or your GPU vendor's), or pass --device cpu to silence this"
                : "install an OpenCL driver (pocl-opencl-icd, or your GPU vendor's)"
            return BackendSelection(backend: CPUBackend(), warning: "\(reason); running on the CPU backend (\(advice))", buildLog: nil)
        }
        let backend: OpenCLBackend
        do {
            backend = try OpenCLBackend(entry: entry, cache: cache, sourceOverrides: sourceOverrides)
        } catch {
            return BackendSelection(backend: CPUBackend(), warning: "OpenCL on \(entry.info.name) failed to start (\(error)); running on the CPU backend",
                                    buildLog: nil)
        }
        if let (family, failure) = backend.buildFailures.min(by: { $0.key < $1.key }) {
            var log: String?
            if case let .programBuildFailed(_, _, buildLog) = failure { log = buildLog }
            return BackendSelection(
                backend: CPUBackend(),
                warning: "kernel program '\(family).cl' failed to build on \(entry.info.name); running on the CPU backend (pass --verbose for the build log)",
                buildLog: log)
        }
        return BackendSelection(backend: backend, warning: nil, buildLog: nil)
    }
}

/// Kernel sources read from `$RECUR_KERNEL_DIR/<family>.cl`, replacing the embedded ones: the
/// loop for developing a kernel without rebuilding, and how tests break one on purpose.
public enum KernelOverrides {
    public static func fromEnvironment() -> [String: String] {
        guard let directory = ProcessInfo.processInfo.environment["RECUR_KERNEL_DIR"], !directory.isEmpty else { return [:] }
        var overrides: [String: String] = [:]
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files where file.hasSuffix(".cl") {
            if let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) {
                overrides[String(file.dropLast(3))] = text
            }
        }
        return overrides
    }
}
