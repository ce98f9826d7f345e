import Foundation

/// Runs `Benchmarks/peers/peers.py` (Keras on TensorFlow, PyTorch) for the same configuration
/// as Recur, and reads the JSON object on the last line of its output.
public struct PeerRunner {
    /// One contender: a framework, Keras also compiled with XLA.
    public enum Peer: String, CaseIterable, Sendable {
        case keras
        case kerasXLA = "keras+xla"
        case torch

        /// The peers script's `--framework`.
        public var framework: String { self == .torch ? "torch" : "keras" }
        public var xla: Bool { self == .kerasXLA }
        /// As the tables and reports name it.
        public var name: String { rawValue }
    }

    /// Every peer a run times. Keras with XLA is a contender of its own: on this 2-core host it
    /// trains four of the presets faster than plain Keras and PyTorch (simplernn-dropout 32
    /// against 51 ms, lstm-imdb 80 against 97; stacked-bilstm and bigru-w2v slower), so "the
    /// fastest peer" is not known without it.
    public static let peers = Peer.allCases
    public let script: URL
    public let python: String

    /// Finds the script: `$RECUR_PEERS_SCRIPT`, then `Benchmarks/peers/peers.py` under the
    /// current directory, then beside the repository the executable was built in
    /// (`.build/<config>/recur` → `../../Benchmarks/peers`). Nil with the reason when it or
    /// python3 is missing.
    public static func locate(executable: String = CommandLine.arguments[0]) -> (runner: PeerRunner?, problem: String?) {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["RECUR_PEERS_SCRIPT"], !path.isEmpty { candidates.append(URL(fileURLWithPath: path)) }
        candidates.append(URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent("Benchmarks/peers/peers.py"))
        let binary = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        candidates.append(binary.deletingLastPathComponent().appendingPathComponent("../../../Benchmarks/peers/peers.py").standardized)
        guard let script = candidates.first(where: { fileManager.fileExists(atPath: $0.path) }) else {
            return (nil, "peers: Benchmarks/peers/peers.py not found (run from the repository root, or set RECUR_PEERS_SCRIPT); running without peers")
        }
        let python = ProcessInfo.processInfo.environment["RECUR_PYTHON"] ?? "python3"
        guard (try? Self.capture(python, ["--version"])) != nil else {
            return (nil, "peers: \(python) not found; running without peers")
        }
        return (PeerRunner(script: script, python: python), nil)
    }

    /// `{"keras": "3.x"|null, "tensorflow": …, "torch": …}` from `--probe`.
    public func probe() -> [String: String] {
        guard let output = try? Self.capture(python, [script.path, "--probe"]), let line = output.lastLine,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return [:] }
        return object.compactMapValues { $0 as? String }
    }

    /// One peer on one preset; an unavailable framework is a record with its reason, a crash is
    /// one with the exit status.
    /// `batchFile` (from ``write(_:batch:)``) is the batch to train on; without it the script
    /// draws its own random batch.
    public func run(_ peer: Peer, preset: String, batch: Int, plan: StepPlan, batchFile: URL? = nil) -> PeerRecord {
        var record = PeerRecord(preset: preset, framework: peer.name, available: false)
        let arguments = [script.path, "--framework", peer.framework, "--preset", preset, "--batch", String(batch),
                         "--steps", String(Swift.max(plan.steps, 1)), "--warmup", String(plan.warmUp),
                         "--warmup-seconds", String(plan.warmUpSeconds)]
            + (peer.xla ? ["--xla"] : []) + (batchFile.map { ["--batch-file", $0.path] } ?? [])
        do {
            guard let line = try Self.capture(python, arguments).lastLine else {
                record.reason = "the peers script printed nothing"
                return record
            }
            return Self.parse(line, preset: preset, peer: peer)
        } catch {
            record.reason = "\(error)"
            return record
        }
    }

    /// Writes `data` for the script's `--batch-file`, in a temporary file the caller removes:
    /// `{"tokens": [[id, …] × T] × B, "labels": [label × B]}`.
    public static func write(_ data: BenchmarkBatch, batch: Int) throws -> URL {
        let time = data.tokenIDs.count / Swift.max(batch, 1)
        let tokens = (0..<batch).map { Array(data.tokenIDs[($0 * time)..<(($0 + 1) * time)]) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recur-peer-batch-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: ["tokens": tokens, "labels": data.labels.map(Int.init)]).write(to: url)
        return url
    }

    /// Reads the script's answer line. An answer for XLA that Keras ran without it (it warns and
    /// falls back when it cannot compile a model) is no answer: it would time plain Keras twice.
    public static func parse(_ line: String, preset: String, peer: Peer) -> PeerRecord {
        var record = PeerRecord(preset: preset, framework: peer.name, available: false)
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            record.reason = "the peers script's last line is not JSON: \(line.prefix(200))"
            return record
        }
        record.available = object["available"] as? Bool ?? false
        record.reason = object["reason"] as? String
        record.frameworkVersion = object["framework_version"] as? String
        record.threads = object["threads"] as? Int
        record.firstLoss = object["first_loss"] as? Double
        record.keepSteps(train: object["train_ms"] as? [Double] ?? [], infer: object["infer_ms"] as? [Double] ?? [])
        if record.available && record.trainMsMedian == nil {
            record.available = false
            record.reason = "no train_ms in the peers script's answer"
        }
        if record.available && peer.xla && object["xla"] as? Bool != true {
            record.available = false
            record.reason = "Keras did not compile this model with XLA (it fell back to its plain step)"
        }
        record.rounds = record.available ? 1 : nil
        return record
    }

    /// One framework's answers from the run's rounds as one record: the medians of every
    /// round's steps pooled, as Recur's are (``CaseMeasurement/record(_:device:plan:rounds:peak:)``).
    /// Rounds it did not answer in are left out; with none, the first round's record says why.
    public static func pooled(_ rounds: [PeerRecord]) -> PeerRecord {
        precondition(!rounds.isEmpty, "pooling needs a round")
        let answered = rounds.filter { $0.available && $0.trainMs != nil }
        guard var pooled = answered.first else { return rounds[0] }
        pooled.keepSteps(train: answered.flatMap { $0.trainMs ?? [] }, infer: answered.flatMap { $0.inferMs ?? [] })
        pooled.rounds = answered.count
        return pooled
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a program to the end and returns its stdout (its stderr is dropped: frameworks log there).
    static func capture(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(program) \(arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "") exited with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension String {
    var lastLine: String? {
        split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init)
    }
}

extension PeerRecord {
    /// Keeps the timed steps and their medians (nil for none).
    mutating func keepSteps(train: [Double], infer: [Double]) {
        trainMs = train.isEmpty ? nil : train
        trainMsMedian = train.isEmpty ? nil : SampleStatistics(train).median
        inferMs = infer.isEmpty ? nil : infer
        inferMsMedian = infer.isEmpty ? nil : SampleStatistics(infer).median
    }
}
