import Dispatch
import Recur
import RecurCompute

extension PhaseProfile {
    /// The part of a CPU step's wall time spent outside the ops: planning the step, the host side
    /// of the batch upload, and the enqueue path between ops.
    public static let outsideOps = "outside ops"

    /// Training steps on the CPU backend, which runs each op when it is enqueued, with every op
    /// timed on the host's monotonic clock (all on lane 0, so a bidirectional layer's directions
    /// run in turn here, not side by side as in a timed step): each phase's figure is its median
    /// over `steps` steps, and ``outsideOps`` the median of the rest of each step's wall time. The phases are the
    /// OpenCL profile's, so the two tables read alike; a recurrent loop is one op here, timed
    /// whole. Wall time on a shared machine moves with the other tenants, hence the median.
    static func runOnHost(_ benchmark: BenchmarkCase, trainer: Trainer, steps: Int) throws -> [PhaseTime] {
        let batch = benchmark.data
        let (executor, update) = try trainer.trainingStep(batch: benchmark.batch, time: benchmark.time)
        var samples: [StepPhase: [Double]] = [:], outside: [Double] = [], commands: [StepPhase: Int] = [:]
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        for _ in 0..<steps {
            var ms: [StepPhase: Double] = [:]
            commands = [:]
            func timed(_ phase: StepPhase, _ body: () throws -> Void) throws {
                let start = now()
                try body()
                ms[phase, default: 0] += Double(now() - start) / 1e6
                commands[phase, default: 0] += 1
            }
            let stepStart = now()
            try step(trainer: trainer, executor: executor, update: update, batch: batch, measure: timed) { [$0] }
            let total = Double(now() - stepStart) / 1e6
            for (phase, value) in ms { samples[phase, default: []].append(value) }
            outside.append(Swift.max(0, total - ms.values.reduce(0, +)))
        }
        var phases = StepPhase.allCases.compactMap { phase -> PhaseTime? in
            guard let values = samples[phase] else { return nil }
            return PhaseTime(phase: phase.rawValue, ms: SampleStatistics(values).median, commands: commands[phase] ?? 0)
        }
        phases.append(PhaseTime(phase: outsideOps, ms: SampleStatistics(outside).median, commands: 0))
        return phases
    }
}
