import XCTest
import Recur
import RecurCompute
@testable import RecurBenchmark

final class CaseMeasurementTests: XCTestCase {
    let tiny = SweepPoint(sweep: .time, cell: .lstm, time: 5, batch: 3, hidden: 4, embedding: 6)

    /// A real (tiny) run on the CPU backend: the counts, the derived rates and the memory add
    /// up, and the first loss is the loss `fit` reports for the same batch before any update.
    func testATinyCPURunRecordsWhatItMeasured() throws {
        let benchmark = try BenchmarkCase.recurrent(tiny)
        let backend = CPUBackend(threads: 1)
        let record = try CaseMeasurement.run(benchmark, on: backend, plan: StepPlan(warmUp: 1, steps: 3), peak: nil)
        XCTAssertEqual(record.steps, 3)
        XCTAssertEqual(record.device, "cpu")
        XCTAssertLessThanOrEqual(record.trainMsMin, record.trainMsMedian)
        XCTAssertLessThanOrEqual(record.trainMsMedian, record.trainMsMax)
        XCTAssertEqual(record.tokensPerS, record.sequencesPerS * 5, accuracy: 1e-6 * record.tokensPerS)
        XCTAssertEqual(record.trainFlops, benchmark.flops.training)
        XCTAssertEqual(record.gflopsPerS, record.trainFlops / record.trainMsMedian / 1e6, accuracy: 1e-9 * record.gflopsPerS)
        XCTAssertNil(record.fractionOfPeak)

        // Memory: the parameter store plus the training and inference plans.
        let trainer = try Trainer(model: benchmark.model, configuration: benchmark.configuration, backend: backend)
        let parametersOnly = trainer.deviceBytes
        let params = benchmark.model.parameters.reduce(0) { $0 + $1.elementCount }
        XCTAssertGreaterThanOrEqual(parametersOnly, params * 4 * 4)  // weights, gradients, Adam's two slots
        XCTAssertGreaterThan(record.peakBytes, parametersOnly)

        let batch = benchmark.data
        XCTAssertEqual(record.batchSource, "random")
        XCTAssertEqual(record.distinctTokens, Set(batch.tokenIDs).count)
        let history = try trainer.fit(LabeledSequences(tokenIDs: batch.tokenIDs, labels: batch.labels, time: 5), epochs: 1, shuffle: false)
        XCTAssertEqual(try XCTUnwrap(record.firstLoss), history.epochs[0].loss, accuracy: 1e-6)
    }

    /// The warm-up lasts its step count and, with `warmUpSeconds`, until that long has passed
    /// after the first step: a tiny CPU step takes well under a millisecond, so a quarter second
    /// of warm-up is many more steps than three, while the timed steps stay as many as asked.
    func testTheWarmUpLastsItsStepsAndItsSeconds() throws {
        let benchmark = try BenchmarkCase.recurrent(tiny)
        let backend = CPUBackend(threads: 1)
        func stepsRun(_ plan: StepPlan) throws -> (run: Int, timed: Int, inferTimed: Int) {
            var run = 0
            let round = try CaseMeasurement.time(benchmark, on: backend, plan: plan) { run = $0.iteration }
            return (run, round.train.milliseconds.count, round.infer.milliseconds.count)
        }
        let byCount = try stepsRun(StepPlan(warmUp: 3, warmUpSeconds: 0, steps: 4))
        XCTAssertEqual(byCount.run, 7)
        XCTAssertEqual(byCount.timed, 4)
        XCTAssertEqual(byCount.inferTimed, 4)
        let byTime = try stepsRun(StepPlan(warmUp: 3, warmUpSeconds: 0.25, steps: 4))
        XCTAssertGreaterThan(byTime.run, 7 + 3)
        XCTAssertEqual(byTime.timed, 4)
        XCTAssertEqual(byTime.inferTimed, 4)
        XCTAssertEqual(StepPlan.standard.warmUpSeconds, StepPlan.defaultWarmUpSeconds)
    }

    /// `--rounds`: a fresh trainer each round, so the rounds' first losses agree exactly on the
    /// (deterministic) CPU backend; the record's statistics are of every round's steps.
    func testRoundsPoolTheirStepsAndAgreeOnTheFirstLoss() throws {
        let benchmark = try BenchmarkCase.recurrent(tiny)
        let backend = CPUBackend(threads: 2)
        let plan = StepPlan(warmUp: 0, steps: 3)
        let rounds = try (0..<2).map { _ in try CaseMeasurement.time(benchmark, on: backend, plan: plan) }
        let record = CaseMeasurement.record(benchmark, device: backend.device, plan: plan, rounds: rounds, peak: nil)
        let train = rounds.flatMap(\.train.milliseconds), infer = rounds.flatMap(\.infer.milliseconds)
        XCTAssertEqual(train.count, 6)
        XCTAssertEqual(record.rounds, 2)
        XCTAssertEqual(record.trainMsMedian, SampleStatistics(train).median)
        XCTAssertEqual(record.trainMsMin, train.min())
        XCTAssertEqual(record.trainMsMax, train.max())
        XCTAssertEqual(record.inferMsMedian, SampleStatistics(infer).median)
        XCTAssertEqual(record.firstLossSpread, 0)
        XCTAssertEqual(record.firstLoss, rounds[0].train.firstLoss)
        XCTAssertEqual(CaseMeasurement.lossWarnings([record]), [])

        var drifting = record
        drifting.firstLossSpread = 0.01
        XCTAssertEqual(CaseMeasurement.lossWarnings([drifting]).count, 1)
        XCTAssertNil(CaseMeasurement.record(benchmark, device: backend.device, plan: plan, rounds: [rounds[0]], peak: nil).firstLossSpread)
    }

    func testRandomBatchesAvoidPaddingAndHaveValidLabels() {
        let batch = BenchmarkBatch.random(batch: 4, time: 50, vocabulary: 7, classes: 2, loss: .sparseCategoricalCrossEntropy)
        XCTAssertEqual(batch.tokenIDs.count, 200)
        XCTAssertTrue(batch.tokenIDs.allSatisfy { (1..<7).contains($0) })
        XCTAssertEqual(Set(batch.tokenIDs).count, 6)
        XCTAssertTrue(batch.labels.allSatisfy { $0 == 0 || $0 == 1 })
        XCTAssertEqual(batch.labels.count, 4)
        XCTAssertEqual(batch.distinctTokens, 6)
        XCTAssertEqual(BenchmarkBatch.random(batch: 4, time: 50, vocabulary: 7, classes: 2, loss: .sparseCategoricalCrossEntropy).tokenIDs, batch.tokenIDs)
    }

    /// On OpenCL (PoCL here) the first loss matches the CPU backend's, and one profiled step
    /// puts its commands into the recurrent phases.
    func testOpenCLFirstLossMatchesTheCPUAndAProfiledStepHasPhases() throws {
        guard let entry = OpenCLDiscovery.discover().devices.first else { throw XCTSkip("no OpenCL device") }
        let benchmark = try BenchmarkCase.recurrent(tiny)
        let plan = StepPlan(warmUp: 0, steps: 1)
        let device = try CaseMeasurement.run(benchmark, on: try OpenCLBackend(entry: entry), plan: plan, peak: nil)
        let cpu = try CaseMeasurement.run(benchmark, on: CPUBackend(threads: 1), plan: plan, peak: nil)
        XCTAssertEqual(CaseMeasurement.lossWarnings([cpu, device]), [])
        XCTAssertEqual(try XCTUnwrap(device.firstLoss), try XCTUnwrap(cpu.firstLoss), accuracy: 1e-4)

        // The step path: each GEMM and cell kernel timed on its own.
        let phases = try PhaseProfile.run(benchmark, on: try OpenCLBackend(entry: entry, profiling: true, recurrentLoops: .stepByStep))
        let names = Set(phases.map(\.phase))
        for phase in [StepPhase.inputGEMM, .recurrentGEMMForward, .cellForward, .cellBackward, .recurrentGEMMBackward,
                      .weightGradients, .inputGradientGEMM, .optimizer, .hostTransfers, .embedding] {
            XCTAssertTrue(names.contains(phase.rawValue), "missing \(phase.rawValue) in \(names)")
        }
        // T = 5: five recurrent GEMMs and five cell kernels forward, four dh·Uᵀ backward.
        XCTAssertEqual(phases.first { $0.phase == StepPhase.recurrentGEMMForward.rawValue }?.commands, 5)
        XCTAssertEqual(phases.first { $0.phase == StepPhase.cellForward.rawValue }?.commands, 5)
        XCTAssertEqual(phases.first { $0.phase == StepPhase.recurrentGEMMBackward.rawValue }?.commands, 4)
        XCTAssertTrue(phases.allSatisfy { $0.ms >= 0 })

        // The fused path (the default): one command per direction and pass, timed whole.
        let fused = try PhaseProfile.run(benchmark, on: try OpenCLBackend(entry: entry, profiling: true, recurrentLoops: .fused))
        XCTAssertEqual(fused.first { $0.phase == StepPhase.recurrentLoopForward.rawValue }?.commands, 1)
        XCTAssertEqual(fused.first { $0.phase == StepPhase.recurrentLoopBackward.rawValue }?.commands, 1)
        XCTAssertNil(fused.first { $0.phase == StepPhase.recurrentGEMMForward.rawValue }, "no per-step GEMMs on the fused path")
        XCTAssertTrue(phases.allSatisfy { $0.ms >= 0 })
    }

    /// On the CPU backend each op of a few steps is timed on the host: the same phases as on
    /// OpenCL, a recurrent loop whole, and the step's time outside the ops.
    func testACPUProfileTimesEachOpOnTheHost() throws {
        let benchmark = try BenchmarkCase.recurrent(tiny)
        let trainer = try Trainer(model: benchmark.model, configuration: benchmark.configuration, backend: CPUBackend(threads: 1))
        let phases = try PhaseProfile.run(benchmark, trainer: trainer, hostSteps: 3)
        XCTAssertEqual(trainer.iteration, 3, "three profiled steps, each advancing the optimizer")
        let byName = Dictionary(uniqueKeysWithValues: phases.map { ($0.phase, $0) })
        for phase in [StepPhase.hostTransfers, .embedding, .inputGEMM, .recurrentLoopForward, .recurrentLoopBackward,
                      .weightGradients, .inputGradientGEMM, .optimizer] {
            XCTAssertNotNil(byName[phase.rawValue], "missing \(phase.rawValue) in \(byName.keys.sorted())")
        }
        XCTAssertEqual(byName[StepPhase.recurrentLoopForward.rawValue]?.commands, 1)
        XCTAssertEqual(byName[StepPhase.recurrentLoopBackward.rawValue]?.commands, 1)
        XCTAssertNil(byName[StepPhase.recurrentGEMMForward.rawValue], "a CPU loop is one op")
        XCTAssertEqual(phases.last?.phase, PhaseProfile.outsideOps)
        XCTAssertTrue(phases.allSatisfy { $0.ms >= 0 })
        XCTAssertGreaterThan(phases.reduce(0) { $0 + $1.ms }, 0)
    }

    func testAnOpenCLProfileNeedsAProfilingBackend() throws {
        guard let entry = OpenCLDiscovery.discover().devices.first else { throw XCTSkip("no OpenCL device") }
        XCTAssertThrowsError(try OpenCLBackend(entry: entry).beginEventLog())
    }
}
