import XCTest
@testable import RecurCompute

/// Finite-difference checks, in Float64, of the cell math the CPU backend runs (``CellMath``),
/// called directly with Double pointers.
///
/// One step: a scalar loss `L = Σ wh·state + Σ wc·cellState (LSTM) + Σ wo·sequenceOutput
/// + Σ wr·(droppedState, or state without recurrent dropout)` is differentiated with respect to
/// every input element by central differences and compared with what one backward call yields
/// under the documented contract of ``CellBackward``:
/// - incoming `carriedGradient = wh`, `cellGradient = wc`, `outputGradient = wo`,
///   `recurrentGradient = wr` (the gradient of the next step's GEMM operand);
/// - `dL/d projectedInput = gateGradient` (the bias is added inside the op);
/// - `dL/d projectedState = gateGradient`, or `recurrentGateGradient` for a reset-after GRU;
/// - `dL/d bias` = column sums of those (two rows for a reset-after GRU);
/// - `dL/d previousState` = the `carriedGradient` written back;
/// - `dL/d previousCellState` = the `cellGradient` written back.
/// A reset-before GRU is composed exactly as documented: `gruResetGateForward` → `p_h =
/// resetState·U_h` (a Double product, into the last block of `projectedState`) → `forward`;
/// `backward` → `resetStateGradient = dh̃_pre·U_hᵀ` → `gruResetGateBackward`.
final class CellGradientCheckTests: XCTestCase {
    /// Central-difference step.
    static let step = 1e-6
    /// Truncation error is O(h²) ≈ 1e-12 and round-off ≈ 1e-16·|L|/h ≈ 1e-9 for |L| ~ 10, so a
    /// correct gradient passes `|a − n| ≤ max(1e-8, 1e-6·max(|a|, |n|))` with a wide margin, and a
    /// wrong factor anywhere fails it.
    static let relativeTolerance = 1e-6
    static let absoluteTolerance = 1e-8

    enum Extra: CaseIterable { case none, outputGradient, recurrentGradient, both }

    /// Everything one step reads, in Double; the first six arrays are the differentiated inputs.
    struct Step: CustomStringConvertible {
        var cell: RecurrentCell
        var batch: Int
        var projectedInput: [Double]      // [B, G·H]
        var projectedState: [Double]      // [B, G·H]; reset-before GRU: the h block is computed
        var bias: [Double]                // [biasCount]
        var previousState: [Double]       // [B, H]
        var previousCellState: [Double]   // [B, H], LSTM only (else empty)
        var candidateKernel: [Double]     // U_h [H, H], reset-before GRU only (else empty)
        var mask: [Double]?               // [B]
        var dropout: [Double]?            // [B, H]
        var stateWeights: [Double]        // wh
        var cellWeights: [Double]         // wc, LSTM only
        var outputWeights: [Double]?      // wo: sequenceOutput is requested when set
        var recurrentWeights: [Double]?   // wr: recurrentGradient is passed when set

        static let inputs: [(String, WritableKeyPath<Step, [Double]>)] = [
            ("projectedInput", \.projectedInput), ("projectedState", \.projectedState), ("bias", \.bias),
            ("previousState", \.previousState), ("previousCellState", \.previousCellState),
            ("candidateKernel", \.candidateKernel),
        ]

        var isLSTM: Bool { cell.kind == .lstm }
        var isResetBefore: Bool { cell.kind == .gru(resetAfter: false) }
        var isResetAfter: Bool { cell.kind == .gru(resetAfter: true) }

        var description: String {
            "\(cell.kind.name)(\(cell.activation.kerasName)) B=\(batch) H=\(cell.units) mask=\(mask.map { "\($0)" } ?? "nil") "
                + "dropout=\(dropout != nil) output=\(outputWeights != nil) recurrent=\(recurrentWeights != nil)"
        }
    }

    struct Forward {
        var state: [Double], cellState: [Double], sequenceOutput: [Double], droppedState: [Double]
        var gates: [Double], resetState: [Double]
    }

    static func makeStep(_ kind: CellKind, activation: Activation = .tanh, batch: Int, units: Int, masked: Bool,
                         dropout: Bool, extra: Extra, seed: UInt64) -> Step {
        var rng = SplitMix64(seed: seed)
        let cell = RecurrentCell(kind, units: units, activation: activation)
        let b = batch, h = units, g = cell.gateWidth
        let lstm = kind == .lstm, resetBefore = kind == .gru(resetAfter: false)
        // With B = 1 the only row is masked (pure carry-through); otherwise row 1 is.
        let mask: [Double]? = masked ? (0..<b).map { b == 1 || $0 == 1 ? 0 : 1 } : nil
        return Step(
            cell: cell, batch: b,
            projectedInput: rng.doubles(b * g), projectedState: rng.doubles(b * g),
            bias: rng.doubles(cell.biasCount, in: -0.5...0.5), previousState: rng.doubles(b * h),
            previousCellState: lstm ? rng.doubles(b * h) : [],
            candidateKernel: resetBefore ? rng.doubles(h * h, in: -0.7...0.7) : [],
            mask: mask, dropout: dropout ? dropoutMaskValues(b * h, rate: 0.25, using: &rng) : nil,
            stateWeights: rng.doubles(b * h), cellWeights: lstm ? rng.doubles(b * h) : [],
            outputWeights: extra == .outputGradient || extra == .both ? rng.doubles(b * h) : nil,
            recurrentWeights: extra == .recurrentGradient || extra == .both ? rng.doubles(b * h) : nil)
    }

    // MARK: the step under test

    static func forward(_ s: Step) -> Forward {
        let arena = PointerArena()
        defer { arena.release() }
        let b = s.batch, h = s.cell.units, g = s.cell.gateWidth
        let x = arena.copy(s.projectedInput), ps = arena.copy(s.projectedState), bias = arena.copy(s.bias)
        let previous = arena.copy(s.previousState)
        let gates = arena.filled(b * s.cell.savedWidth, with: 0), resetState = arena.filled(b * h, with: 0)
        let rd = s.dropout.map { UnsafePointer(arena.copy($0)) }
        if s.isResetBefore {
            CellMath.gruResetGateForward(s.cell, rows: 0..<b, projectedInput: x, projectedState: ps, bias: bias,
                                         previousState: previous, gates: gates, resetState: resetState,
                                         recurrentDropoutMask: rd)
            let candidate = matmul(array(resetState, b * h), s.candidateKernel, m: b, k: h, n: h)
            for r in 0..<b { for j in 0..<h { ps[r * g + 2 * h + j] = candidate[r * h + j] } }
        }
        let state = arena.filled(b * h, with: .nan)
        let previousCell = s.isLSTM ? arena.copy(s.previousCellState) : nil
        let cellState = s.isLSTM ? arena.filled(b * h, with: .nan) : nil
        let sequenceOutput = s.outputWeights != nil ? arena.filled(b * h, with: .nan) : nil
        let dropped = s.dropout != nil ? arena.filled(b * h, with: .nan) : nil
        CellMath.forward(s.cell, rows: 0..<b, CellMath.ForwardPointers(
            projectedInput: x, projectedState: ps, bias: bias, previousState: previous, state: state,
            previousCellState: previousCell.map { UnsafePointer($0) }, cellState: cellState, gates: gates,
            mask: s.mask.map { UnsafePointer(arena.copy($0)) }, sequenceOutput: sequenceOutput,
            recurrentDropoutMask: rd, droppedState: dropped))
        return Forward(state: array(state, b * h), cellState: cellState.map { array($0, b * h) } ?? [],
                       sequenceOutput: sequenceOutput.map { array($0, b * h) } ?? [],
                       droppedState: dropped.map { array($0, b * h) } ?? [],
                       gates: array(gates, b * s.cell.savedWidth), resetState: array(resetState, b * h))
    }

    static func loss(_ s: Step) -> Double {
        let f = forward(s)
        var total = dot(s.stateWeights, f.state)
        if s.isLSTM { total += dot(s.cellWeights, f.cellState) }
        if let wo = s.outputWeights { total += dot(wo, f.sequenceOutput) }
        if let wr = s.recurrentWeights { total += dot(wr, s.dropout != nil ? f.droppedState : f.state) }
        return total
    }

    /// The gradient of `loss` with respect to each of ``Step/inputs``, from one backward call.
    static func analyticGradients(_ s: Step) -> [String: [Double]] {
        let f = forward(s)
        let arena = PointerArena()
        defer { arena.release() }
        let b = s.batch, h = s.cell.units, g = s.cell.gateWidth
        let previous = arena.copy(s.previousState)
        let carried = arena.copy(s.stateWeights)
        let cellGradient = s.isLSTM ? arena.copy(s.cellWeights) : nil
        // NaN-filled so an element the op forgets to write cannot pass.
        let gateGradient = arena.filled(b * g, with: .nan)
        let recurrentGateGradient = s.isResetAfter ? arena.filled(b * g, with: .nan) : nil
        let rd = s.dropout.map { UnsafePointer(arena.copy($0)) }
        let gates = arena.copy(f.gates)
        CellMath.backward(s.cell, rows: 0..<b, CellMath.BackwardPointers(
            gates: gates, previousState: s.isResetAfter || s.isResetBefore ? UnsafePointer(previous) : nil,
            previousCellState: s.isLSTM ? UnsafePointer(arena.copy(s.previousCellState)) : nil,
            mask: s.mask.map { UnsafePointer(arena.copy($0)) },
            outputGradient: s.outputWeights.map { UnsafePointer(arena.copy($0)) },
            recurrentGradient: s.recurrentWeights.map { UnsafePointer(arena.copy($0)) },
            recurrentDropoutMask: rd, carriedGradient: carried, cellGradient: cellGradient,
            gateGradient: gateGradient, recurrentGateGradient: recurrentGateGradient))
        var candidateKernelGradient = [Double]()
        if s.isResetBefore {
            var dCandidate = [Double](repeating: 0, count: b * h)
            for r in 0..<b { for j in 0..<h { dCandidate[r * h + j] = gateGradient[r * g + 2 * h + j] } }
            let resetStateGradient = matmul(dCandidate, s.candidateKernel, m: b, k: h, n: h, transposeB: true)
            CellMath.gruResetGateBackward(s.cell, rows: 0..<b, gates: gates, previousState: previous,
                                          resetStateGradient: arena.copy(resetStateGradient), recurrentDropoutMask: rd,
                                          carriedGradient: carried, gateGradient: gateGradient)
            candidateKernelGradient = matmul(f.resetState, dCandidate, m: h, k: b, n: h, transposeA: true)
        }
        let dInput = array(gateGradient, b * g)
        var dState = recurrentGateGradient.map { array($0, b * g) } ?? dInput
        if s.isResetBefore {
            // Only the z and r blocks of projectedState are inputs; the h block is resetState·U_h.
            for r in 0..<b { for j in 2 * h..<3 * h { dState[r * g + j] = 0 } }
        }
        // A reset-after GRU's bias is two rows: [input bias; recurrent bias].
        let dBias = columnSums(dInput, columns: g) + (s.isResetAfter ? columnSums(dState, columns: g) : [])
        return ["projectedInput": dInput, "projectedState": dState, "bias": dBias,
                "previousState": array(carried, b * h),
                "previousCellState": cellGradient.map { array($0, b * h) } ?? [],
                "candidateKernel": candidateKernelGradient]
    }

    /// Compares every analytic gradient with central differences.
    static func check(_ s: Step, file: StaticString = #filePath, line: UInt = #line) {
        let analytic = analyticGradients(s)
        for (name, path) in Step.inputs {
            let numeric = centralDifferences(at: s[keyPath: path], step: step) { values in
                var probe = s
                probe[keyPath: path] = values
                return loss(probe)
            }
            assertClose(analytic[name] ?? [], numeric, relative: relativeTolerance, absolute: absoluteTolerance,
                        "dL/d\(name) for \(s)", file: file, line: line)
        }
    }

    /// Every combination the brief of a cell kernel has to honour: B=1,H=1 and B=3,H=5; with and
    /// without a masked row; with and without recurrent dropout; each mix of incoming gradients.
    static func checkAllConfigurations(_ kind: CellKind, activation: Activation = .tanh, seed: UInt64,
                                       file: StaticString = #filePath, line: UInt = #line) {
        var configuration: UInt64 = 0
        for (batch, units) in [(1, 1), (3, 5)] {
            for masked in [false, true] {
                for dropout in [false, true] {
                    for extra in Extra.allCases {
                        configuration += 1
                        let s = makeStep(kind, activation: activation, batch: batch, units: units, masked: masked,
                                         dropout: dropout, extra: extra, seed: seed &* 1000 &+ configuration)
                        check(s, file: file, line: line)
                    }
                }
            }
        }
    }

    // MARK: one step, every cell

    func testSimpleRNNTanhStepGradientsMatchFiniteDifferences() {
        Self.checkAllConfigurations(.simpleRNN, activation: .tanh, seed: 1)
    }

    func testSimpleRNNReluStepGradientsMatchFiniteDifferences() {
        Self.checkAllConfigurations(.simpleRNN, activation: .relu, seed: 2)
    }

    func testLSTMStepGradientsMatchFiniteDifferences() {
        Self.checkAllConfigurations(.lstm, seed: 3)
    }

    func testResetAfterGRUStepGradientsMatchFiniteDifferences() {
        Self.checkAllConfigurations(.gru(resetAfter: true), seed: 4)
    }

    func testResetBeforeGRUStepGradientsMatchFiniteDifferences() {
        Self.checkAllConfigurations(.gru(resetAfter: false), seed: 5)
    }

    /// Guards the checker itself: a gradient off by 0.1 % must be reported.
    func testGradientCheckerRejectsASlightlyWrongGradient() {
        let s = Self.makeStep(.lstm, batch: 3, units: 5, masked: false, dropout: false, extra: .none, seed: 99)
        let analytic = Self.analyticGradients(s)["projectedInput"]!
        let numeric = centralDifferences(at: s.projectedInput, step: Self.step) { values in
            var probe = s
            probe.projectedInput = values
            return Self.loss(probe)
        }
        XCTAssertTrue(mismatches(analytic, numeric, relative: Self.relativeTolerance, absolute: Self.absoluteTolerance).isEmpty)
        let wrong = analytic.map { $0 * 1.001 }
        XCTAssertFalse(mismatches(wrong, numeric, relative: Self.relativeTolerance, absolute: Self.absoluteTolerance).isEmpty)
    }

    /// Masked rows: state and cell carried through, sequence output exactly zero (the Keras rule).
    func testMaskedRowCarriesStateAndZeroesSequenceOutput() {
        for kind in [CellKind.simpleRNN, .lstm, .gru(resetAfter: true), .gru(resetAfter: false)] {
            let s = Self.makeStep(kind, batch: 3, units: 5, masked: true, dropout: true, extra: .both, seed: 7)
            let f = Self.forward(s)
            let h = 5, row = 1
            XCTAssertEqual(Array(f.state[row * h..<(row + 1) * h]), Array(s.previousState[row * h..<(row + 1) * h]), "\(kind.name) state")
            XCTAssertEqual(Array(f.sequenceOutput[row * h..<(row + 1) * h]), [Double](repeating: 0, count: h), "\(kind.name) output")
            if kind == .lstm {
                XCTAssertEqual(Array(f.cellState[row * h..<(row + 1) * h]), Array(s.previousCellState[row * h..<(row + 1) * h]))
            }
            let expectedDropped = (row * h..<(row + 1) * h).map { s.previousState[$0] * s.dropout![$0] }
            XCTAssertEqual(Array(f.droppedState[row * h..<(row + 1) * h]), expectedDropped, "\(kind.name) droppedState")
        }
    }

    // MARK: three timesteps

    /// A sequence run the way the plan runs it: `x_t·W` and `operand·U` as Double products, the
    /// operand being `h₀ ⊙ m` at t = 0 and the previous step's `droppedState` after (plain `h`
    /// without dropout); backward per step with `carried` kept across steps and
    /// `recurrentGradient = dZh_{t+1}·Uᵀ`.
    struct Sequence {
        var cell: RecurrentCell
        var batch: Int, time: Int, inputWidth: Int
        var x: [Double]                 // [T, B, D]
        var kernel: [Double]            // W [D, G·H]
        var recurrentKernel: [Double]   // U [H, G·H]
        var bias: [Double]
        var initialState: [Double]      // h₀ [B, H]
        var initialCellState: [Double]  // c₀ [B, H], LSTM only
        var mask: [Double]?             // [T, B]
        var dropout: [Double]?          // [B, H]
        var stateWeights: [Double]      // [T, B, H]
        var cellWeights: [Double]       // [T, B, H], LSTM only
        var outputWeights: [Double]?    // [T, B, H] on sequenceOutput

        static let inputs: [(String, WritableKeyPath<Sequence, [Double]>)] = [
            ("x", \.x), ("W", \.kernel), ("U", \.recurrentKernel), ("b", \.bias), ("h0", \.initialState), ("c0", \.initialCellState),
        ]
    }

    struct SequenceRun {
        var loss = 0.0
        var operands = [[Double]](), states = [[Double]](), cellStates = [[Double]](), gates = [[Double]](), resetStates = [[Double]]()
    }

    static func makeSequence(_ kind: CellKind, maskedAndDropped: Bool, seed: UInt64) -> Sequence {
        var rng = SplitMix64(seed: seed)
        let cell = RecurrentCell(kind, units: 3)
        let b = 3, t = 3, d = 2, h = cell.units, g = cell.gateWidth, lstm = kind == .lstm
        // Row 0 is pre-padded (masked at t = 0), row 2 post-padded (masked at t = 2), row 1 is live.
        let mask: [Double] = [0, 1, 1, 1, 1, 1, 1, 1, 0]
        return Sequence(
            cell: cell, batch: b, time: t, inputWidth: d, x: rng.doubles(t * b * d), kernel: rng.doubles(d * g, in: -0.8...0.8),
            recurrentKernel: rng.doubles(h * g, in: -0.8...0.8), bias: rng.doubles(cell.biasCount, in: -0.5...0.5),
            initialState: rng.doubles(b * h), initialCellState: lstm ? rng.doubles(b * h) : [],
            mask: maskedAndDropped ? mask : nil,
            dropout: maskedAndDropped ? dropoutMaskValues(b * h, rate: 0.3, using: &rng) : nil,
            stateWeights: rng.doubles(t * b * h), cellWeights: lstm ? rng.doubles(t * b * h) : [],
            outputWeights: maskedAndDropped ? rng.doubles(t * b * h) : nil)
    }

    static func run(_ s: Sequence) -> SequenceRun {
        let arena = PointerArena()
        defer { arena.release() }
        let b = s.batch, h = s.cell.units, g = s.cell.gateWidth, d = s.inputWidth, sw = s.cell.savedWidth
        let lstm = s.cell.kind == .lstm, resetBefore = s.cell.kind == .gru(resetAfter: false)
        let bias = arena.copy(s.bias)
        let rd = s.dropout.map { UnsafePointer(arena.copy($0)) }
        var result = SequenceRun()
        var state = s.initialState, cellState = s.initialCellState
        var operand = s.dropout.map { m in zip(state, m).map { $0 * $1 } } ?? state
        for t in 0..<s.time {
            let x = arena.copy(matmul(Array(s.x[t * b * d..<(t + 1) * b * d]), s.kernel, m: b, k: d, n: g))
            let ps = arena.copy(matmul(operand, s.recurrentKernel, m: b, k: h, n: g))
            let previous = arena.copy(state), gates = arena.filled(b * sw, with: 0)
            let resetState = arena.filled(b * h, with: 0)
            if resetBefore {
                CellMath.gruResetGateForward(s.cell, rows: 0..<b, projectedInput: x, projectedState: ps, bias: bias,
                                             previousState: previous, gates: gates, resetState: resetState, recurrentDropoutMask: rd)
                let rs = array(resetState, b * h)
                for r in 0..<b { for j in 0..<h {
                    var sum = 0.0
                    for k in 0..<h { sum += rs[r * h + k] * s.recurrentKernel[k * g + 2 * h + j] }
                    ps[r * g + 2 * h + j] = sum
                } }
            }
            let next = arena.filled(b * h, with: .nan)
            let nextCell = lstm ? arena.filled(b * h, with: .nan) : nil
            let sequenceOutput = s.outputWeights != nil ? arena.filled(b * h, with: .nan) : nil
            let dropped = s.dropout != nil ? arena.filled(b * h, with: .nan) : nil
            CellMath.forward(s.cell, rows: 0..<b, CellMath.ForwardPointers(
                projectedInput: x, projectedState: ps, bias: bias, previousState: previous, state: next,
                previousCellState: lstm ? UnsafePointer(arena.copy(cellState)) : nil, cellState: nextCell, gates: gates,
                mask: s.mask.map { UnsafePointer(arena.copy(Array($0[t * b..<(t + 1) * b]))) },
                sequenceOutput: sequenceOutput, recurrentDropoutMask: rd, droppedState: dropped))
            result.operands.append(operand)
            result.gates.append(array(gates, b * sw))
            result.resetStates.append(array(resetState, b * h))
            state = array(next, b * h)
            if let nextCell { cellState = array(nextCell, b * h) }
            operand = dropped.map { array($0, b * h) } ?? state
            result.states.append(state)
            result.cellStates.append(cellState)
            let rows = t * b * h..<(t + 1) * b * h
            result.loss += dot(Array(s.stateWeights[rows]), state)
            if lstm { result.loss += dot(Array(s.cellWeights[rows]), cellState) }
            if let wo = s.outputWeights { result.loss += dot(Array(wo[rows]), array(sequenceOutput!, b * h)) }
        }
        return result
    }

    /// dL/dx, dW, dU, db, dh₀, dc₀ by the per-step recipe.
    static func sequenceGradients(_ s: Sequence) -> [String: [Double]] {
        let f = run(s)
        let arena = PointerArena()
        defer { arena.release() }
        let b = s.batch, h = s.cell.units, g = s.cell.gateWidth, d = s.inputWidth
        let lstm = s.cell.kind == .lstm, resetAfter = s.cell.kind == .gru(resetAfter: true)
        let resetBefore = s.cell.kind == .gru(resetAfter: false), gru = resetAfter || resetBefore
        let rd = s.dropout.map { UnsafePointer(arena.copy($0)) }
        let carried = arena.filled(b * h, with: 0), cellGradient = lstm ? arena.filled(b * h, with: 0) : nil
        var dx = [Double](repeating: 0, count: s.x.count), dW = [Double](repeating: 0, count: s.kernel.count)
        var dU = [Double](repeating: 0, count: s.recurrentKernel.count), db = [Double](repeating: 0, count: s.bias.count)
        var recurrentGradient: [Double]? = nil
        for t in (0..<s.time).reversed() {
            let rows = t * b * h..<(t + 1) * b * h
            for i in 0..<b * h {
                carried[i] += s.stateWeights[rows.lowerBound + i]
                if lstm { cellGradient![i] += s.cellWeights[rows.lowerBound + i] }
            }
            let previousState = t == 0 ? s.initialState : f.states[t - 1]
            let previousCell = lstm ? (t == 0 ? s.initialCellState : f.cellStates[t - 1]) : []
            let gates = arena.copy(f.gates[t]), previous = arena.copy(previousState)
            let dZ = arena.filled(b * g, with: .nan), dZh = resetAfter ? arena.filled(b * g, with: .nan) : nil
            CellMath.backward(s.cell, rows: 0..<b, CellMath.BackwardPointers(
                gates: gates, previousState: gru ? UnsafePointer(previous) : nil,
                previousCellState: lstm ? UnsafePointer(arena.copy(previousCell)) : nil,
                mask: s.mask.map { UnsafePointer(arena.copy(Array($0[t * b..<(t + 1) * b]))) },
                outputGradient: s.outputWeights.map { UnsafePointer(arena.copy(Array($0[rows]))) },
                recurrentGradient: recurrentGradient.map { UnsafePointer(arena.copy($0)) },
                recurrentDropoutMask: rd, carriedGradient: carried, cellGradient: cellGradient,
                gateGradient: dZ, recurrentGateGradient: dZh))
            var dCandidate = [Double]()
            if resetBefore {
                dCandidate = (0..<b * h).map { dZ[($0 / h) * g + 2 * h + $0 % h] }
                var uh = [Double](repeating: 0, count: h * h)
                for k in 0..<h { for j in 0..<h { uh[k * h + j] = s.recurrentKernel[k * g + 2 * h + j] } }
                let resetStateGradient = matmul(dCandidate, uh, m: b, k: h, n: h, transposeB: true)
                CellMath.gruResetGateBackward(s.cell, rows: 0..<b, gates: gates, previousState: previous,
                                              resetStateGradient: arena.copy(resetStateGradient), recurrentDropoutMask: rd,
                                              carriedGradient: carried, gateGradient: dZ)
            }
            let dInput = array(dZ, b * g)
            // The gradient of the recurrent GEMM's output `operand·U`; for a reset-before GRU its
            // h block is not that product (U_h multiplies resetState instead), so it is zero here.
            var dRecurrent = dZh.map { array($0, b * g) } ?? dInput
            if resetBefore { for r in 0..<b { for j in 2 * h..<3 * h { dRecurrent[r * g + j] = 0 } } }
            let xt = Array(s.x[t * b * d..<(t + 1) * b * d])
            addInPlace(&dW, matmul(xt, dInput, m: d, k: b, n: g, transposeA: true))
            addInPlace(&dU, matmul(f.operands[t], dRecurrent, m: h, k: b, n: g, transposeA: true))
            if resetBefore {
                let dUh = matmul(f.resetStates[t], dCandidate, m: h, k: b, n: h, transposeA: true)
                for k in 0..<h { for j in 0..<h { dU[k * g + 2 * h + j] += dUh[k * h + j] } }
            }
            addInPlace(&db, columnSums(dInput, columns: g) + (resetAfter ? columnSums(dRecurrent, columns: g) : []))
            let dxt = matmul(dInput, s.kernel, m: b, k: g, n: d, transposeB: true)
            for i in 0..<b * d { dx[t * b * d + i] = dxt[i] }
            recurrentGradient = matmul(dRecurrent, s.recurrentKernel, m: b, k: g, n: h, transposeB: true)
        }
        var dh0 = array(carried, b * h)
        for i in 0..<b * h { dh0[i] += recurrentGradient![i] * (s.dropout?[i] ?? 1) }
        return ["x": dx, "W": dW, "U": dU, "b": db, "h0": dh0, "c0": cellGradient.map { array($0, b * h) } ?? []]
    }

    static func checkSequence(_ kind: CellKind, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) {
        for maskedAndDropped in [false, true] {
            let s = makeSequence(kind, maskedAndDropped: maskedAndDropped, seed: seed &+ (maskedAndDropped ? 1 : 0))
            let analytic = sequenceGradients(s)
            for (name, path) in Sequence.inputs {
                let numeric = centralDifferences(at: s[keyPath: path], step: step) { values in
                    var probe = s
                    probe[keyPath: path] = values
                    return run(probe).loss
                }
                assertClose(analytic[name] ?? [], numeric, relative: relativeTolerance, absolute: absoluteTolerance,
                            "dL/d\(name), 3-step \(kind.name), mask+dropout=\(maskedAndDropped)", file: file, line: line)
            }
        }
    }

    func testThreeStepSimpleRNNGradientsMatchFiniteDifferences() { Self.checkSequence(.simpleRNN, seed: 40) }
    func testThreeStepLSTMGradientsMatchFiniteDifferences() { Self.checkSequence(.lstm, seed: 41) }
    func testThreeStepResetAfterGRUGradientsMatchFiniteDifferences() { Self.checkSequence(.gru(resetAfter: true), seed: 42) }
    func testThreeStepResetBeforeGRUGradientsMatchFiniteDifferences() { Self.checkSequence(.gru(resetAfter: false), seed: 43) }
}

private func addInPlace(_ lhs: inout [Double], _ rhs: [Double]) {
    precondition(lhs.count == rhs.count)
    for i in lhs.indices { lhs[i] += rhs[i] }
}
