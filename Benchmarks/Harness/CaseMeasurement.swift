import Recur
import RecurCompute

/// How many steps to time, after how much warm-up.
public struct StepPlan: Sendable, Hashable {
    /// Untimed steps before the timed ones: at least this many…
    public var warmUp: Int
    /// …and until this long has passed after the first step, so that a device that starts slow
    /// after idling (between presets, while a peer's Python starts) is up to speed when timing
    /// begins.
    public var warmUpSeconds: Double
    public var steps: Int
    /// Also time `steps` steps queued back to back (OpenCL; on the CPU it is the same thing).
    public var pipelined: Bool
    public init(warmUp: Int, warmUpSeconds: Double = 0, steps: Int, pipelined: Bool = true) {
        self.warmUp = warmUp; self.warmUpSeconds = warmUpSeconds; self.steps = steps; self.pipelined = pipelined
    }

    /// At least this long of warm-up by default: five times the ~50 ms of steps PoCL took here
    /// to come up to speed after half a second idle
    /// (``Trainer/timeTrainingSteps(tokenIDs:labels:time:warmUp:warmUpSeconds:steps:pipelinedSteps:)``).
    public static let defaultWarmUpSeconds = 0.25
    /// `--quick`: enough to see the order of magnitude, every preset on every device in minutes.
    public static let quick = StepPlan(warmUp: 1, warmUpSeconds: defaultWarmUpSeconds, steps: 3, pipelined: false)
    /// The default: a median that holds to a few percent.
    public static let standard = StepPlan(warmUp: 3, warmUpSeconds: defaultWarmUpSeconds, steps: 10)
}

/// Times one case on one backend: a fresh trainer (the preset's initial weights for the seed),
/// `warmUp` + `steps` training steps on the case's batch, then as many inference steps.
public enum CaseMeasurement {
    /// One round, as its record.
    public static func run(_ benchmark: BenchmarkCase, on backend: Backend, plan: StepPlan, peak: SGEMMPeak?) throws -> BenchmarkRecord {
        record(benchmark, device: backend.device, plan: plan, rounds: [try time(benchmark, on: backend, plan: plan)], peak: peak)
    }

    /// One round's timings of a case on a device: a fresh trainer, so every round starts from
    /// the same weights and its first loss is the same.
    public struct Round: Sendable {
        public var train: StepTimes
        public var infer: StepTimes
        public var peakBytes: Int
    }

    /// `afterwards` gets the trainer once timed (its kernels built and warm): `--quick` profiles
    /// its phases there instead of warming up a second backend.
    public static func time(_ benchmark: BenchmarkCase, on backend: Backend, plan: StepPlan,
                            afterwards: (Trainer) throws -> Void = { _ in }) throws -> Round {
        let trainer = try Trainer(model: benchmark.model, configuration: benchmark.configuration, backend: backend)
        let batch = benchmark.data
        let pipelinedSteps = plan.pipelined ? plan.steps : 0
        let train = try trainer.timeTrainingSteps(tokenIDs: batch.tokenIDs, labels: batch.labels, time: benchmark.time,
                                                  warmUp: plan.warmUp, warmUpSeconds: plan.warmUpSeconds, steps: plan.steps,
                                                  pipelinedSteps: pipelinedSteps)
        // The report keeps only training's pipelined rate, so inference skips that pass.
        let infer = try trainer.timeInferenceSteps(tokenIDs: batch.tokenIDs, time: benchmark.time, warmUp: plan.warmUp,
                                                   warmUpSeconds: plan.warmUpSeconds, steps: plan.steps, pipelinedSteps: 0)
        let peakBytes = trainer.deviceBytes
        try afterwards(trainer)
        return Round(train: train, infer: infer, peakBytes: peakBytes)
    }

    /// The record for measured rounds (`--rounds`, interleaved with the other devices and the
    /// peers): the statistics of every round's steps pooled, the pipelined rate the rounds'
    /// median, the first loss the first round's. Rates from the medians, FLOPs from ``FLOPCount``.
    public static func record(_ benchmark: BenchmarkCase, device: DeviceInfo, plan: StepPlan, rounds: [Round],
                              peak: SGEMMPeak?) -> BenchmarkRecord {
        precondition(!rounds.isEmpty, "a record needs a measured round")
        let t = SampleStatistics(rounds.flatMap(\.train.milliseconds)), i = SampleStatistics(rounds.flatMap(\.infer.milliseconds))
        let flops = benchmark.flops
        let perSecond = { (ms: Double) in ms > 0 ? 1000 / ms : 0 }
        let gflops = flops.training * perSecond(t.median) / 1e9
        let document = benchmark.sweep == nil ? DocumentTiming.forPreset(benchmark.name) : nil
        let firstLosses = rounds.compactMap(\.train.firstLoss)
        return BenchmarkRecord(
            preset: benchmark.name, device: device.identifier, deviceName: device.name, batch: benchmark.batch, time: benchmark.time,
            steps: plan.steps, warmup: plan.warmUp, warmupSeconds: plan.warmUpSeconds,
            trainMsMedian: t.median, trainMsMin: t.min, trainMsMax: t.max,
            trainMsPipelined: SampleStatistics(rounds.map(\.train.pipelinedMilliseconds)).median,
            inferMsMedian: i.median, inferMsMin: i.min, inferMsMax: i.max,
            sequencesPerS: Double(benchmark.batch) * perSecond(t.median),
            tokensPerS: Double(benchmark.batch * benchmark.time) * perSecond(t.median),
            inferSequencesPerS: Double(benchmark.batch) * perSecond(i.median),
            trainFlops: flops.training, inferFlops: flops.inference, gflopsPerS: gflops,
            inferGflopsPerS: flops.inference * perSecond(i.median) / 1e9,
            fractionOfPeak: peak.flatMap { $0.gflopsPerS > 0 ? gflops / $0.gflopsPerS : nil },
            peakBytes: rounds.map(\.peakBytes).max()!, firstLoss: firstLosses.first,
            batchSource: benchmark.data.source.rawValue, distinctTokens: benchmark.data.distinctTokens,
            documentMs: document?.typicalMilliseconds, documentSpeedUp: document?.speedUp(overMilliseconds: t.median),
            phases: nil, sweep: benchmark.sweep?.sweep.rawValue, cell: benchmark.sweep?.cell.rawValue, sweepValue: benchmark.sweep?.value,
            rounds: rounds.count, firstLossSpread: firstLosses.count > 1 ? firstLosses.max()! - firstLosses.min()! : nil)
    }

    /// Devices whose first-step losses differ from the first device's by more than `tolerance`
    /// (relative, at least absolute for losses below 1): one warning line per disagreement.
    public static func lossWarnings(_ records: [BenchmarkRecord], tolerance: Double = 1e-3) -> [String] {
        var warnings: [String] = []
        let byPreset = Dictionary(grouping: records, by: \.preset)
        for preset in records.map(\.preset).uniqued() {
            let group = byPreset[preset] ?? []
            guard let reference = group.first(where: { $0.device == "cpu" }) ?? group.first, let expected = reference.firstLoss else { continue }
            for other in group where other.device != reference.device {
                guard let loss = other.firstLoss else { continue }
                if beyond(tolerance, difference: abs(loss - expected), of: expected) {
                    warnings.append("warning: \(preset): first-step loss on \(other.device) is \(loss), on \(reference.device) \(expected) (differ by more than \(tolerance))")
                }
            }
        }
        for record in records {
            guard let spread = record.firstLossSpread, let loss = record.firstLoss,
                  beyond(tolerance, difference: spread, of: loss) else { continue }
            warnings.append("warning: \(record.preset) on \(record.device): the first-step loss moved by \(spread) between rounds (each round starts from the same weights and batch)")
        }
        return warnings
    }

    /// Whether two first losses that differ by `difference` around `value` disagree: relative to
    /// the loss, at least absolute for losses below 1.
    static func beyond(_ tolerance: Double, difference: Double, of value: Double) -> Bool {
        difference > tolerance * Swift.max(1, abs(value))
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
