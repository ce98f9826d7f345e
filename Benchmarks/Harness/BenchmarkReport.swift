import Foundation
import Recur

/// One configuration (a preset or a sweep point) measured on one device. Encoded with
/// snake_case keys: `train_ms_median`, `train_ms_min`, `train_ms_max`, `infer_ms_median`,
/// `gflops_per_s`, `steps`, `peak_bytes`, … — the fields scripts rely on.
public struct BenchmarkRecord: Sendable, Codable, Hashable {
    /// The preset name, or the sweep point's label.
    public var preset: String
    /// `cpu`, `opencl:0`, …
    public var device: String
    public var deviceName: String
    public var batch: Int
    public var time: Int
    /// Measured steps (after `warmup` warm-up steps), for training and for inference each.
    public var steps: Int
    public var warmup: Int
    /// The warm-up's minimum length in seconds (nil in reports from before it had one).
    public var warmupSeconds: Double? = nil
    public var trainMsMedian: Double
    public var trainMsMin: Double
    public var trainMsMax: Double
    /// Mean ms/step with the steps queued back to back, as an epoch runs them.
    public var trainMsPipelined: Double
    public var inferMsMedian: Double
    public var inferMsMin: Double
    public var inferMsMax: Double
    public var sequencesPerS: Double
    public var tokensPerS: Double
    public var inferSequencesPerS: Double
    public var trainFlops: Double
    public var inferFlops: Double
    /// Training FLOPs over the median training step.
    public var gflopsPerS: Double
    public var inferGflopsPerS: Double
    /// `gflops_per_s` over the device's measured SGEMM peak (nil when the peak was not measured).
    public var fractionOfPeak: Double?
    /// Bytes the run allocated on the device: weights, gradients, optimizer state, and the
    /// training and inference plans' arenas.
    public var peakBytes: Int
    /// The loss of the first training step, before any update: the same on every device.
    public var firstLoss: Double?
    /// What the timed batch held: `random` (uniform ids) or `imdb` (real reviews); nil in
    /// reports from before the choice existed, which timed random ids.
    public var batchSource: String?
    /// How many of the batch's token ids are different.
    public var distinctTokens: Int?
    /// The reference document's ms/step for this preset, and its time over ours.
    public var documentMs: Double?
    public var documentSpeedUp: Double?
    /// Device time per phase of one profiled training step (OpenCL only).
    public var phases: [PhaseTime]?
    /// For sweep points: which sweep, cell and swept value.
    public var sweep: String?
    public var cell: String?
    public var sweepValue: Int?
    /// How many rounds the statistics pool (`--rounds`); nil in reports from before rounds.
    public var rounds: Int? = nil
    /// The largest difference between the rounds' first losses (nil for one round): zero on a
    /// deterministic device.
    public var firstLossSpread: Double? = nil

    public var key: String { "\(preset) @ \(device)" }
}

/// Device time of one part of a training step.
public struct PhaseTime: Sendable, Codable, Hashable {
    public var phase: String
    public var ms: Double
    public var commands: Int
}

/// The measured SGEMM rate of a device: the roofline every configuration is a fraction of.
public struct SGEMMPeak: Sendable, Codable, Hashable {
    public var device: String
    /// `OpenBLAS` or `CLBlast`.
    public var library: String
    public var size: Int
    public var gflopsPerS: Double
}

/// A peer framework's run of the same configuration (the peers script's answer).
public struct PeerRecord: Sendable, Codable, Hashable {
    public var preset: String
    /// The peer as tables name it (``PeerRunner/Peer/name``): `keras`, `keras+xla`, `torch`.
    public var framework: String
    public var available: Bool
    public var frameworkVersion: String?
    public var reason: String?
    public var threads: Int?
    public var trainMsMedian: Double?
    public var inferMsMedian: Double?
    /// The timed steps the medians are of, every round's (nil in reports from before rounds).
    public var trainMs: [Double]?
    public var inferMs: [Double]?
    /// How many of the run's rounds this framework answered in (nil: one, before rounds).
    public var rounds: Int?
    public var firstLoss: Double?
    /// Per Recur device (`cpu`, `opencl:0`): the peer's median training step over Recur's —
    /// Recur's speed-up over the peer.
    public var speedUps: [String: Double]?
}

public struct DeviceRecord: Sendable, Codable, Hashable {
    public var device: String
    public var name: String
    public var platform: String
    public var version: String
    public var driver: String

    public init(device: String, name: String, platform: String, version: String, driver: String) {
        self.device = device; self.name = name; self.platform = platform; self.version = version; self.driver = driver
    }
}

/// Everything one `recur bench` run measured, with the machine it ran on.
public struct BenchmarkReport: Sendable, Codable {
    public var schema = 1
    /// ISO 8601, UTC.
    public var date: String
    /// The command line that produced it.
    public var command: String
    public var commit: String
    public var machine: MachineInfo
    public var devices: [DeviceRecord]
    public var sgemmPeaks: [SGEMMPeak]
    public var results: [BenchmarkRecord]
    public var sweeps: [BenchmarkRecord]
    public var peers: [PeerRecord]
    public var warnings: [String]

    public init(date: String, command: String, commit: String, machine: MachineInfo, devices: [DeviceRecord] = [],
                sgemmPeaks: [SGEMMPeak] = [], results: [BenchmarkRecord] = [], sweeps: [BenchmarkRecord] = [],
                peers: [PeerRecord] = [], warnings: [String] = []) {
        self.date = date; self.command = command; self.commit = commit; self.machine = machine; self.devices = devices
        self.sgemmPeaks = sgemmPeaks; self.results = results; self.sweeps = sweeps; self.peers = peers; self.warnings = warnings
    }

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    public func encoded() throws -> Data { try Self.encoder().encode(self) }

    public static func read(from url: URL) throws -> BenchmarkReport {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw BenchmarkError.unreadableReport(path: url.path, reason: "cannot be read")
        }
        do { return try decoder().decode(BenchmarkReport.self, from: data) } catch {
            throw BenchmarkError.unreadableReport(path: url.path, reason: "is not a recur bench JSON report (\(error))")
        }
    }

    /// `2026-11-23-1304-<machine>-<commit>.json`: sorts by date, says where and what it measured.
    public var fileName: String {
        let stamp = date.prefix(16).replacingOccurrences(of: "T", with: "-").replacingOccurrences(of: ":", with: "")
        let host = machine.shortName.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return "\(stamp)-\(String(host))-\(commit.prefix(7)).json"
    }
}

/// Errors of the harness, each one line that says what to do.
public enum BenchmarkError: Error, CustomStringConvertible, Equatable {
    case unreadableReport(path: String, reason: String)
    case unknownPreset(String)
    case unknownDevice(requested: String, available: [String])
    case invalid(String)

    public var description: String {
        switch self {
        case let .unreadableReport(path, reason): return "\(path) \(reason)"
        case let .unknownPreset(name):
            return "unknown preset '\(name)'; choose one of: \(ReferencePresetNames.all.joined(separator: ", "))"
        case let .unknownDevice(requested, available):
            return "unknown device '\(requested)'; this machine has: \(available.joined(separator: ", ")) (see recur devices)"
        case let .invalid(message): return message
        }
    }
}

/// The preset names, for messages.
public enum ReferencePresetNames {
    public static var all: [String] { ReferencePreset.allCases.map(\.rawValue) }
}
