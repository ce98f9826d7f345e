import Recur
import RecurCompute

/// Which part of a training step an op is, for the per-phase breakdown: the input projection,
/// the recurrent loop's GEMMs and cell kernels forward and backward, the weight gradients, the
/// input gradients, Dense layers, the embedding, the optimizer, host transfers, and the rest.
public enum StepPhase: String, Sendable, CaseIterable, Codable {
    case hostTransfers = "host transfers"
    case embedding
    case inputGEMM = "input GEMM"
    case recurrentGEMMForward = "recurrent GEMM fwd"
    case cellForward = "cell kernels fwd"
    case cellBackward = "cell kernels bwd"
    case recurrentGEMMBackward = "recurrent GEMM bwd"
    /// A whole direction in one persistent kernel (the fused path): its products and cells.
    case recurrentLoopForward = "fused recurrent loop fwd"
    case recurrentLoopBackward = "fused recurrent loop bwd"
    case weightGradients = "weight-gradient GEMMs"
    case inputGradientGEMM = "input-gradient GEMM"
    case dense
    case optimizer
    case other = "other element-wise"
}

/// Sorts a model's ops into ``StepPhase``s by what they touch: a GEMM reading a recurrent
/// kernel is the loop's, one writing a kernel gradient is a weight gradient, and so on.
public struct StepPhaseClassifier {
    let kernels: [FloatRef]
    let recurrentKernels: [FloatRef]
    let gradients: [FloatRef]

    public init(executor: ModelExecutor) {
        let bindings = executor.recurrentSequences.map(\.bindings)
        kernels = bindings.map(\.kernel)
        recurrentKernels = bindings.map(\.recurrentKernel)
        gradients = bindings.flatMap { [$0.kernelGradient, $0.recurrentKernelGradient, $0.biasGradient] }
    }

    public enum Stage { case forward, backward, update }

    public func phase(of op: Op, in stage: Stage) -> StepPhase {
        if stage == .update { return .optimizer }
        func touches(_ tensor: FloatRef, _ list: [FloatRef]) -> Bool { list.contains { tensor.overlaps($0) } }
        switch op {
        case .gemm(let g):
            if touches(g.c, gradients) { return .weightGradients }
            if touches(g.b, recurrentKernels) { return stage == .forward ? .recurrentGEMMForward : .recurrentGEMMBackward }
            if touches(g.b, kernels) { return stage == .forward ? .inputGEMM : .inputGradientGEMM }
            return .dense
        case .sumRows(let s):
            return touches(s.output, gradients) ? .weightGradients : .dense
        case .cellForward, .gruResetGateForward: return .cellForward
        case .cellBackward, .gruResetGateBackward: return .cellBackward
        case .embeddingGather, .embeddingGradient: return .embedding
        case .recurrentLoop: return stage == .forward ? .recurrentLoopForward : .recurrentLoopBackward
        case .optimizerUpdate, .sumOfSquares, .clipScale: return .optimizer
        default: return .other
        }
    }
}

/// One training step on an OpenCL backend created with `profiling: true`, with an event per
/// command: each phase's device time (the sum of its commands' start-to-end spans) and the
/// device's idle time between commands (launch gaps, host-side enqueue, CLBlast's helper
/// kernels that return no event of their own).
public enum PhaseProfile {
    public static let idle = "idle between commands"

    /// A fresh trainer on `backend`, one warm-up step, then the profiled step.
    public static func run(_ benchmark: BenchmarkCase, on backend: OpenCLBackend) throws -> [PhaseTime] {
        let trainer = try Trainer(model: benchmark.model, configuration: benchmark.configuration, backend: backend)
        let batch = benchmark.data
        // A warm-up step first: kernels compiled, CLBlast's programs built, caches warm.
        _ = try trainer.timeTrainingSteps(tokenIDs: batch.tokenIDs, labels: batch.labels, time: benchmark.time, warmUp: 1, steps: 0)
        return try run(benchmark, trainer: trainer)
    }

    /// The profiled step on a trainer already warm, whose backend has profiling enabled; on the
    /// CPU backend, `hostSteps` steps with each op timed on the host (``runOnHost``).
    public static func run(_ benchmark: BenchmarkCase, trainer: Trainer, hostSteps: Int = 5) throws -> [PhaseTime] {
        if trainer.backend is CPUBackend { return try runOnHost(benchmark, trainer: trainer, steps: Swift.max(1, hostSteps)) }
        guard let backend = trainer.backend as? OpenCLBackend else {
            throw BenchmarkError.invalid("a phase profile needs an OpenCL backend or the CPU backend, not \(trainer.backend.device.identifier)")
        }
        let batch = benchmark.data
        let (executor, update) = try trainer.trainingStep(batch: benchmark.batch, time: benchmark.time)
        try backend.synchronize()
        try backend.beginEventLog()
        var owners: [StepPhase] = []
        func record(_ phase: StepPhase, _ body: () throws -> Void) rethrows {
            let before = backend.loggedCommandCount
            try body()
            owners += Array(repeating: phase, count: backend.loggedCommandCount - before)
        }
        do {
            // A loop the backend fuses is one command, so it is timed whole; on the step path its
            // GEMMs and cells are timed one by one, as the backend enqueues them. A loop's input
            // gather is timed with the loop when the loop runs as one op: a fused loop reads it in
            // place (FusedRecurrentLoop.TokenRows), and where it still runs, it runs for the loop.
            let stepByStep = backend.recurrentLoopMode == .stepByStep
            try step(trainer: trainer, executor: executor, update: update, batch: batch, measure: record) { op in
                stepByStep ? op.flattened : [op]
            }
        } catch {
            _ = try? backend.endEventLog()
            throw error
        }
        let times = try backend.endEventLog()
        return summarize(times: times, owners: owners)
    }

    /// One training step as the profiles run it, op by op on lane 0, each piece inside `measure`
    /// with its phase: the batch upload, every command of the forward and backward passes and the
    /// update (`commands` says what an op is enqueued as), the loss read.
    static func step(trainer: Trainer, executor: ModelExecutor, update: [Op], batch: BenchmarkBatch,
                     measure: (StepPhase, () throws -> Void) throws -> Void, commands: (Op) -> [Op]) throws {
        let classifier = StepPhaseClassifier(executor: executor)
        let backend = trainer.backend
        try measure(.hostTransfers) {
            try trainer.prepareNextUpdate()
            try executor.upload(tokenIDs: batch.tokenIDs, labels: batch.labels, step: UInt64(trainer.iteration))
        }
        for (ops, stage) in [(executor.forwardOps, StepPhaseClassifier.Stage.forward), (executor.backwardOps, .backward), (update, .update)] {
            for op in ops.flatMap(commands) { try measure(classifier.phase(of: op, in: stage)) { try backend.enqueue(op, lane: 0) } }
        }
        trainer.parameters.markUpdated()
        try measure(.hostTransfers) { _ = try backend.readAsync(executor.metrics, lane: 0).wait() }
    }

    /// Per-phase totals in ``StepPhase`` order, then the idle time of the step's span.
    public static func summarize(times: [DeviceCommandTime], owners: [StepPhase]) -> [PhaseTime] {
        var nanoseconds: [StepPhase: UInt64] = [:], counts: [StepPhase: Int] = [:]
        for (time, phase) in zip(times, owners) {
            nanoseconds[phase, default: 0] += time.nanoseconds
            counts[phase, default: 0] += 1
        }
        var phases = StepPhase.allCases.compactMap { phase -> PhaseTime? in
            guard let count = counts[phase] else { return nil }
            return PhaseTime(phase: phase.rawValue, ms: Double(nanoseconds[phase] ?? 0) / 1e6, commands: count)
        }
        if let first = times.map(\.startNanoseconds).min(), let last = times.map(\.endNanoseconds).max(), last > first {
            let busy = nanoseconds.values.reduce(0, +)
            let span = last - first
            phases.append(PhaseTime(phase: idle, ms: Double(span > busy ? span - busy : 0) / 1e6, commands: 0))
        }
        return phases
    }
}
