import Dispatch
import Recur
import RecurCompute

extension PhaseProfile {
    /// The part of a CPU step's wall time spent outside the ops: planning the step, the host side
    /// of the batch upload, and the enqueue path between ops.
    public static let outsideOps = "outside ops"

    /// Training steps on the CPU backend, which runs each op when it is enqueued, with every op
    /// timed on the host's monotonic clock: each phase's figure is its median over `steps` steps,
    /// and ``outsideOps`` the median of the rest of each step's wall time. The phases are the
    /// OpenCL profile's, so the two tables read alike; a recurrent loop is one op here, timed
    /// whole. Wall time on a shared machine moves with the other tenants, hence the median.
    static func runOnHost(_ benchmark: BenchmarkCase, trainer: Trainer, steps: Int) throws -> [PhaseTime] {
        let backend = trainer.backend
        let batch = SyntheticBatch(for: benchmark)
        let (executor, update) = try trainer.trainingStep(batch: benchmark.batch, time: benchmark.time)
        let classifier = StepPhaseClassifier(executor: executor)
        var samples: [StepPhase: [Double]] = [:], outside: [Double] = [], commands: [StepPhase: Int] = [:]
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        for _ in 0..<steps {
            var ms: [StepPhase: Double] = [:]
            commands = [:]
            func timed(_ phase: StepPhase, _ body: () throws -> Void) rethrows {
                let start = now()
                try body()
                ms[phase, default: 0] += Double(now() - start) / 1e6
                commands[phase, default: 0] += 1
            }
            let stepStart = now()
            try timed(.hostTransfers) {
                try trainer.prepareNextUpdate()
                try executor.upload(tokenIDs: batch.tokenIDs, labels: batch.labels, step: UInt64(trainer.iteration))
            }
            for (ops, stage) in [(executor.forwardOps, StepPhaseClassifier.Stage.forward), (executor.backwardOps, .backward), (update, .update)] {
                for op in ops { try timed(classifier.phase(of: op, in: stage)) { try backend.enqueue(op, lane: 0) } }
            }
            trainer.parameters.markUpdated()
            try timed(.hostTransfers) { _ = try backend.readAsync(executor.metrics, lane: 0).wait() }
            let step = Double(now() - stepStart) / 1e6
            for (phase, value) in ms { samples[phase, default: []].append(value) }
            outside.append(Swift.max(0, step - ms.values.reduce(0, +)))
        }
        var phases = StepPhase.allCases.compactMap { phase -> PhaseTime? in
            guard let values = samples[phase] else { return nil }
            return PhaseTime(phase: phase.rawValue, ms: SampleStatistics(values).median, commands: commands[phase] ?? 0)
        }
        phases.append(PhaseTime(phase: outsideOps, ms: SampleStatistics(outside).median, commands: 0))
        return phases
    }
}
