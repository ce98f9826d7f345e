import XCTest
import RecurKernels
@testable import RecurCompute

/// The persistent recurrent-loop kernels (`recurrent_loop.cl`) against the CPU reference: a
/// whole sequence forward and backward for every cell kind, both directions, with a mask and
/// recurrent dropout, forward-only (inference) shapes, odd sizes, and the global-weights variant
/// — each run checked to have taken the fused path, so a silent fallback cannot pass for it.
///
/// Tolerance as the other OpenCL-vs-CPU tests: 1e-4 absolute + 1e-3 relative (the kernels sum the
/// recurrent products in another order than OpenBLAS). Run again on a GPU's paths by
/// ``FusedRecurrentLoopGPUPathsTests``.
class FusedRecurrentLoopTests: XCTestCase {
    /// The launch paths the suite's backends take.
    var paths: OpenCLPaths { .device }

    struct Configuration: CustomStringConvertible {
        var cell: RecurrentCell
        var batch = 5
        var time = 7
        var reverse = false
        var masked = false
        var maskedOutput = MaskedOutput.zero
        var dropout = false

        var shape: RecurrentSequence.Shape {
            RecurrentSequence.Shape(cell: cell, batch: batch, time: time, inputWidth: 4, reverse: reverse, masked: masked,
                                    maskedOutput: maskedOutput, recurrentDropout: dropout)
        }
        var description: String {
            "\(cell.kind.name) H=\(cell.units) B=\(batch) T=\(time) reverse=\(reverse) masked=\(masked)(\(maskedOutput)) dropout=\(dropout)"
        }
    }

    /// Every cell kind, forward and reversed, plain and with mask + recurrent dropout (zero and
    /// carried masked outputs).
    static var configurations: [Configuration] {
        RecurrentSequenceTests.cells.flatMap { cell in [
            Configuration(cell: cell),
            Configuration(cell: cell, reverse: true),
            Configuration(cell: cell, masked: true, dropout: true),
            Configuration(cell: cell, reverse: true, masked: true, maskedOutput: .carried, dropout: true),
        ] }
    }

    func openCL(_ mode: RecurrentLoopMode = .fused, sourceOverrides: [String: String] = [:]) throws -> OpenCLBackend {
        try openCLBackend(paths: paths, sourceOverrides: sourceOverrides, recurrentLoops: mode)
    }

    func testFusedLoopsMatchCPUForEveryCellDirectionMaskAndDropout() throws {
        let backend = try openCL()
        for configuration in Self.configurations {
            let paths = backend.recurrentLoopPaths
            let worst = try compareTrainingSequence(configuration, on: backend)
            XCTAssertLessThanOrEqual(worst, 1, "\(configuration)")
            XCTAssertEqual(backend.recurrentLoopPaths.fusedLocalWeights - paths.fusedLocalWeights, 2,
                           "\(configuration): forward and backward should each run as one launch with the weights in local memory")
            XCTAssertEqual(backend.recurrentLoopPaths.stepByStep, paths.stepByStep, "\(configuration) fell back to the step path")
        }
    }

    func testGlobalWeightVariantMatchesCPU() throws {
        let backend = try openCL(.fusedGlobalWeights)
        for configuration in Self.configurations {
            let paths = backend.recurrentLoopPaths
            XCTAssertLessThanOrEqual(try compareTrainingSequence(configuration, on: backend), 1, "\(configuration)")
            XCTAssertEqual(backend.recurrentLoopPaths.fusedGlobalWeights - paths.fusedGlobalWeights, 2, "\(configuration)")
        }
    }

    /// The Keras defaults (tanh, recurrent sigmoid) run kernels with the activations compiled in;
    /// any other pair takes the generic kernels, which must match the CPU too (the tests above
    /// only reach the specialised ones).
    func testOtherActivationsTakeTheGenericKernelsAndMatchCPU() throws {
        XCTAssertEqual(OpenCLBackend.loopKernelName(RecurrentCell(.lstm, units: 3), backward: false, localWeights: true),
                       "lstm_loop_forward_local_tanh_sigmoid")
        XCTAssertEqual(OpenCLBackend.loopKernelName(RecurrentCell(.simpleRNN, units: 3, recurrentActivation: .hardSigmoid),
                                                    backward: true, localWeights: false), "simple_rnn_loop_backward_global_tanh_sigmoid")
        XCTAssertEqual(OpenCLBackend.loopKernelName(RecurrentCell(.lstm, units: 3, recurrentActivation: .hardSigmoid),
                                                    backward: true, localWeights: true), "lstm_loop_backward_local")
        let cells = [
            RecurrentCell(.simpleRNN, units: 5, activation: .relu),
            RecurrentCell(.lstm, units: 5, recurrentActivation: .hardSigmoid),
            RecurrentCell(.gru(resetAfter: true), units: 5, activation: .sigmoid, recurrentActivation: .tanh),
            RecurrentCell(.gru(resetAfter: false), units: 5, activation: .linear, recurrentActivation: .hardSigmoid),
        ]
        for mode in [RecurrentLoopMode.fused, .fusedGlobalWeights] {
            let backend = try openCL(mode)
            for cell in cells {
                for configuration in [Configuration(cell: cell), Configuration(cell: cell, reverse: true, masked: true, dropout: true)] {
                    let paths = backend.recurrentLoopPaths
                    XCTAssertLessThanOrEqual(try compareTrainingSequence(configuration, on: backend), 1,
                                             "\(configuration) \(cell.activation)/\(cell.recurrentActivation) \(mode)")
                    XCTAssertEqual(backend.recurrentLoopPaths.fused - paths.fused, 2, "\(configuration) \(mode)")
                }
            }
        }
    }

    /// One timestep (the backward loop has no recurrent product), one row, H = 33 (not a multiple
    /// of any SIMD width), and a batch that the work-groups do not divide evenly.
    func testOddSizesMatchCPU() throws {
        let backend = try openCL()
        for cell in RecurrentSequenceTests.cells {
            let wide = RecurrentCell(cell.kind, units: 33)
            for configuration in [
                Configuration(cell: cell, time: 1), Configuration(cell: cell, batch: 1, time: 5, masked: true, dropout: true),
                Configuration(cell: wide, batch: 7, time: 6, reverse: true, masked: true, dropout: true),
            ] {
                let paths = backend.recurrentLoopPaths
                XCTAssertLessThanOrEqual(try compareTrainingSequence(configuration, on: backend), 1, "\(configuration)")
                XCTAssertEqual(backend.recurrentLoopPaths.fused - paths.fused, 2, "\(configuration)")
            }
        }
    }

    func testWorkGroupsNeedNotDivideTheBatch() throws {
        let backend = try openCL()
        let fixture = try SequenceFixture(Configuration(cell: RecurrentSequenceTests.cells[1], batch: 5).shape, backend: backend, seed: 3)
        guard case .recurrentLoop(let loop) = fixture.sequence.forward().last,
              case .success(let fused) = FusedRecurrentLoop.recognize(loop), let launch = backend.fusedLaunch(fused) else {
            return XCTFail("the LSTM forward loop was not recognised")
        }
        // With one row per group every batch divides; the comparisons above are only meaningful
        // for uneven groups when some group has idle rows.
        if launch.rowsPerGroup > 1 {
            XCTAssertNotEqual(5 % launch.rowsPerGroup, 0, "rows per group \(launch.rowsPerGroup)")
        }
    }

    /// A preset-sized LSTM (H = 64: U is 64 KiB) keeps U in local memory, and asks for exactly
    /// U plus the double-buffered per-row scratch.
    func testPresetSizedWeightsGoToLocalMemory() throws {
        let backend = try openCL()
        let limits = backend.limits
        let h = 64, g = 4
        try XCTSkipIf(limits.localMemoryBytes < (g * h * h + 2 * g * h) * 4, "the device has only \(limits.localMemoryBytes) bytes of local memory")
        let fixture = try SequenceFixture(Configuration(cell: RecurrentCell(.lstm, units: h), batch: 32, time: 3).shape, backend: backend, seed: 3)
        let loops = fixture.sequence.forward() + fixture.sequence.backward(outputGradient: nil, finalStateGradient: fixture.finalWeightTensor)
        var launches: [FusedLoopLaunch] = []
        for case .recurrentLoop(let loop) in loops {
            guard case .success(let fused) = FusedRecurrentLoop.recognize(loop), let launch = backend.fusedLaunch(fused) else {
                return XCTFail("an LSTM loop was not fused")
            }
            launches.append(launch)
        }
        // A CPU device runs both in row kernels (no local memory to speak of).
        XCTAssertEqual(launches.map(\.perRow), [!limits.isGPU, !limits.isGPU])
        guard limits.isGPU else { return }
        XCTAssertEqual(launches.map(\.localWeights), [true, true])
        XCTAssertEqual(launches.map(\.localBytes), [(g * h * h + launches[0].rowsPerGroup * 2 * h) * 4,
                                                    (g * h * h + launches[1].rowsPerGroup * 2 * g * h) * 4])
    }

    /// The row kernels (a few batch rows per work-item, CPU devices; H a multiple of 8, the Keras
    /// activations): every cell they cover, both directions, mask and recurrent dropout, against
    /// the CPU, the forward and the backward each checked to have run as a row kernel. Batch 9
    /// leaves a work-item of one row after one of eight. The tiles (recurrent_loop.cl's
    /// tile_width) on sixteen lanes: H = 24 has a 16-unit tile and an 8-unit tail, H = 8 only
    /// the tail, H = 40 a 32-unit tile and the tail; on eight, 16-unit tiles and 8-unit ones.
    func testRowKernelsMatchCPUOnCPUDevices() throws {
        let backend = try openCL()
        try XCTSkipIf(backend.limits.isGPU, "row kernels are for CPU devices")
        let cells = [RecurrentCell(.simpleRNN, units: 24), RecurrentCell(.lstm, units: 8), RecurrentCell(.gru(resetAfter: true), units: 16),
                     RecurrentCell(.lstm, units: 40)]
        for cell in cells {
            for configuration in [Configuration(cell: cell, batch: 9),
                                  Configuration(cell: cell, batch: 9, reverse: true, masked: true, dropout: true),
                                  Configuration(cell: cell, batch: 9, reverse: true, masked: true, maskedOutput: .carried, dropout: true)] {
                let paths = backend.recurrentLoopPaths
                XCTAssertLessThanOrEqual(try compareTrainingSequence(configuration, on: backend), 1, "\(configuration)")
                XCTAssertEqual(backend.recurrentLoopPaths.fusedRows - paths.fusedRows, 2, "\(configuration): not in row kernels")
            }
        }
        // The reset-before GRU and other activations keep the unit kernels.
        for cell in [RecurrentCell(.gru(resetAfter: false), units: 16), RecurrentCell(.lstm, units: 16, recurrentActivation: .hardSigmoid),
                     RecurrentCell(.lstm, units: 12)] {
            let fixture = try SequenceFixture(Configuration(cell: cell).shape, backend: backend, seed: 3)
            for case .recurrentLoop(let loop) in fixture.sequence.forward() {
                guard case .success(let fused) = FusedRecurrentLoop.recognize(loop) else { return XCTFail("\(cell.kind.name) not fused") }
                XCTAssertNil(backend.rowKernelLaunch(fused), "\(cell.kind.name) H=\(cell.units)")
            }
        }
    }

    /// A row kernel that forgets the LSTM input gate's term, or a backward one without its recurrent
    /// term, must fail the comparison (each run taking the row kernels both ways).
    func testABrokenRowKernelIsCaught() throws {
        try assertCaught(replacing: "const lanes c = fg * LD(cp + j) + ig * cg;", with: "const lanes c = fg * LD(cp + j);",
                         cell: RecurrentCell(.lstm, units: 8))
        try assertCaught(replacing: "if (has_product) dh += product * mj;", with: "", cell: RecurrentCell(.gru(resetAfter: true), units: 8))
        // The register tile's second row (batch 9: a work-item of eight rows and one of one).
        try assertCaught(replacing: "#define ROW_TERM(r) if (skip <= r)", with: "#define ROW_TERM(r) if (skip <= r && r != 1)",
                         cell: RecurrentCell(.simpleRNN, units: 16))
        try assertCaught(replacing: "#define BACKWARD_TERM(r) if (skip <= r)", with: "#define BACKWARD_TERM(r) if (skip <= r && r != 1)",
                         cell: RecurrentCell(.simpleRNN, units: 16))
        // The widest tile's second vector of columns (H = 32: one such tile on either lane width).
        try assertCaught(replacing: "if (width == 2) hi = TILE_FMA(xv, u1, hi);", with: "", cell: RecurrentCell(.simpleRNN, units: 32))
    }

    func assertCaught(replacing original: String, with sabotage: String, cell: RecurrentCell,
                      file: StaticString = #filePath, line: UInt = #line) throws {
        let source = try XCTUnwrap(KernelSources.programs["recurrent_loop"])
        let broken = source.replacingOccurrences(of: original, with: sabotage)
        XCTAssertNotEqual(broken, source, "the sabotage no longer applies; update this test", file: file, line: line)
        let backend = try openCL(sourceOverrides: ["recurrent_loop": broken])
        try XCTSkipIf(backend.limits.isGPU, "row kernels are for CPU devices")
        XCTAssertGreaterThan(try compareTrainingSequence(Configuration(cell: cell, batch: 9), on: backend), 1, file: file, line: line)
        XCTAssertEqual(backend.recurrentLoopPaths.fusedRows, 2, file: file, line: line)
    }

    /// Inference: the three-row state history (views alternate between two rows), one reused row
    /// of gates; every such loop must still be fused.
    func testForwardOnlySequencesAreFusedAndMatchCPU() throws {
        let backend = try openCL()
        for cell in RecurrentSequenceTests.cells {
            for (reverse, masked) in [(false, false), (true, true), (false, true)] {
                for outputsSequence in [false, true] {
                    var shape = RecurrentSequence.Shape(cell: cell, batch: 5, time: 7, inputWidth: 4, reverse: reverse, masked: masked)
                    shape.storesForBackward = false
                    shape.outputsSequence = outputsSequence
                    shape.inputGradient = false
                    let label = "\(cell.kind.name) reverse=\(reverse) masked=\(masked) sequence=\(outputsSequence)"
                    let expected = try SequenceFixture(shape, backend: CPUBackend(), seed: 9)
                    try expected.runForward()
                    let actual = try SequenceFixture(shape, backend: backend, seed: 9)
                    let paths = backend.recurrentLoopPaths
                    try actual.runForward()
                    XCTAssertEqual(backend.recurrentLoopPaths.fused - paths.fused, 1, "\(label) was not fused")
                    var worst = try relativeError(backend.read(actual.sequence.finalState), expected.backend.read(expected.sequence.finalState))
                    if outputsSequence {
                        worst = max(worst, try relativeError(backend.read(actual.sequence.sequenceOutput),
                                                             expected.backend.read(expected.sequence.sequenceOutput)))
                    }
                    XCTAssertLessThanOrEqual(worst, 1, label)
                }
            }
        }
    }

    /// A plan enqueued again (every training step) is recognised once; a loop made anew is
    /// recognised again, and the entry of the one it replaces, which holds its tensors, is dropped.
    func testRecognitionIsCachedAcrossEnqueuesAndDroppedWithItsLoop() throws {
        let backend = try openCL()
        let fixture = try SequenceFixture(Configuration(cell: RecurrentSequenceTests.cells[2]).shape, backend: backend, seed: 4)
        var plan: Plan? = try Plan(fixture.sequence.forward())
        try plan!.enqueue(on: backend)
        let recognitions = backend.fusedLoops.recognitions
        try plan!.enqueue(on: backend)
        try plan!.enqueue(on: backend)
        XCTAssertEqual(backend.fusedLoops.recognitions, recognitions)
        XCTAssertEqual(backend.recurrentLoopPaths.fused, 3)
        XCTAssertEqual(backend.fusedLoops.count, 1)

        plan = nil
        try fixture.runForward()
        XCTAssertEqual(backend.fusedLoops.recognitions, recognitions + 1)
        XCTAssertEqual(backend.fusedLoops.count, 1, "the first plan's entry was dropped with its loop")

        // A loop whose tensors are gone too: its entry held them until a new loop was recognised.
        weak var storage: DeviceStorage?
        do {
            let gone = try SequenceFixture(Configuration(cell: RecurrentSequenceTests.cells[2]).shape, backend: backend, seed: 5)
            storage = gone.sequence.sequenceOutput.storage
            try gone.runForward()
        }
        XCTAssertNotNil(storage, "the entry holds the recognised loop's tensors")
        try fixture.runForward()
        XCTAssertNil(storage, "dropped with the entry of the loop that is gone")
    }

    func testStepByStepModeNeverFuses() throws {
        let backend = try openCL(.stepByStep)
        XCTAssertLessThanOrEqual(try compareTrainingSequence(Self.configurations[5], on: backend), 1)
        XCTAssertEqual(backend.recurrentLoopPaths.fused, 0)
        XCTAssertEqual(backend.recurrentLoopPaths.stepByStep, 2)
    }

    /// The comparison catches a wrong kernel: an LSTM loop that forgets the input gate's term.
    func testABrokenFusedKernelIsCaught() throws {
        let source = try XCTUnwrap(KernelSources.programs["recurrent_loop"])
        let broken = source.replacingOccurrences(of: "c = fg * c + ig * cg;", with: "c = fg * c;")
        XCTAssertNotEqual(broken, source, "the sabotage no longer applies; update this test")
        let backend = try openCL(sourceOverrides: ["recurrent_loop": broken])
        let worst = try compareTrainingSequence(Configuration(cell: RecurrentSequenceTests.cells[1]), on: backend)
        XCTAssertGreaterThan(worst, 1)
        XCTAssertEqual(backend.recurrentLoopPaths.fused, 2)
    }

    func testSteppedTensorAlternatesOnlyBetweenTwoDistinctRows() throws {
        let storage = try CPUBackend().zeros(40).storage
        func view(_ offset: Int) -> FloatRef { FloatRef(storage: storage, offset: offset, count: 4) }
        let progressing = try XCTUnwrap(SteppedTensor([view(0), view(4), view(8)]))
        XCTAssertEqual([progressing.stride, progressing.period], [4, 0])
        let backwards = try XCTUnwrap(SteppedTensor([view(8), view(4), view(0)]))
        XCTAssertEqual([backwards.stride, backwards.period], [-4, 0])
        let alternating = try XCTUnwrap(SteppedTensor([view(8), view(4), view(8), view(4), view(8)]))
        XCTAssertEqual([alternating.stride, alternating.period], [-4, 2])
        XCTAssertEqual(alternating.view(3), view(4))
        XCTAssertEqual(try XCTUnwrap(SteppedTensor([view(4), view(4), view(4)])).stride, 0)
        XCTAssertNil(SteppedTensor([view(0), view(2), view(4)]), "partly overlapping steps")
        XCTAssertNil(SteppedTensor([view(0), view(4), view(12)]), "uneven steps")
        XCTAssertNil(SteppedTensor([view(0), view(4), view(0), view(8)]), "neither progressing nor alternating")
    }

    // MARK: helpers

    /// Runs the sequence forward and backward on the CPU and on `backend`; returns the worst
    /// error over the outputs, final state and every gradient in units of the tolerance
    /// (≤ 1 passes).
    func compareTrainingSequence(_ configuration: Configuration, on backend: OpenCLBackend) throws -> Double {
        let cpu = CPUBackend()
        let expected = try SequenceFixture(configuration.shape, backend: cpu, seed: 5)
        let actual = try SequenceFixture(configuration.shape, backend: backend, seed: 5)
        let want = try expected.gradients(), got = try actual.gradients()
        var worst = 0.0
        for (parameter, values) in want {
            worst = max(worst, relativeError(got[parameter]!, values))
        }
        worst = max(worst, try relativeError(backend.read(actual.sequence.sequenceOutput), cpu.read(expected.sequence.sequenceOutput)))
        worst = max(worst, try relativeError(backend.read(actual.sequence.finalState), cpu.read(expected.sequence.finalState)))
        return worst
    }

    /// max |got − want| / (1e-4 + 1e-3·|want|).
    func relativeError(_ got: [Float], _ want: [Float]) -> Double {
        XCTAssertEqual(got.count, want.count)
        var worst = 0.0
        for (g, w) in zip(got, want) {
            let error = Double(abs(g - w)) / (1e-4 + 1e-3 * Double(abs(w)))
            worst = max(worst, error.isNaN ? .infinity : error)
        }
        return worst
    }
}
