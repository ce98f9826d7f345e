import XCTest
@testable import RecurCompute

/// The CPU backend's cell ops (``CellForward``, ``CellBackward``, the reset-before GRU halves),
/// run as a plan runs them, in Float32, against the Float64 ``CellMath`` that
/// ``CellGradientCheckTests`` verifies: this covers the op-to-pointer wiring and the split of the
/// batch across threads, which calling ``CellMath`` directly does not.
final class CPUCellOpsTests: XCTestCase {
    typealias Step = CellGradientCheckTests.Step

    /// Float32 against Float64 for a few chained exp/tanh/products of O(1) values.
    static let relative = 1e-5
    static let absolute = 2e-6

    struct Outputs {
        var state: [Float], cellState: [Float], sequenceOutput: [Float], droppedState: [Float], gates: [Float]
        var gateGradient: [Float], recurrentGateGradient: [Float], carriedGradient: [Float], cellGradient: [Float]
    }

    /// One forward and one backward step through `Backend.run`, the reset-before GRU composed with
    /// two strided GEMMs on the backend (`resetState·U_h` into the last block of `projectedState`,
    /// `dh̃_pre·U_hᵀ` out of the last block of `gateGradient`).
    func run(_ s: Step, on cpu: CPUBackend) throws -> Outputs {
        let t = { (values: [Double]) in try cpu.tensor(values.map { Float($0) }) }
        let b = s.batch, h = s.cell.units, g = s.cell.gateWidth, cell = s.cell
        let x = try t(s.projectedInput), ps = try t(s.projectedState), bias = try t(s.bias), previous = try t(s.previousState)
        let gates = try cpu.zeros(b * cell.savedWidth)
        let rd = try s.dropout.map(t), mask = try s.mask.map(t)
        let candidateKernel = s.isResetBefore ? try t(s.candidateKernel) : nil
        if let candidateKernel {
            let resetState = try cpu.zeros(b * h)
            try cpu.run(.gruResetGateForward(GRUResetGateForward(
                cell: cell, batch: b, projectedInput: x, projectedState: ps, bias: bias, previousState: previous,
                gates: gates, resetState: resetState, recurrentDropoutMask: rd)))
            try cpu.run(.gemm(GEMM(m: b, n: h, k: h, a: resetState, b: candidateKernel, c: ps.slice(2 * h, (b - 1) * g + h), ldc: g)))
        }
        let state = try cpu.zeros(b * h)
        let previousCell = s.isLSTM ? try t(s.previousCellState) : nil, cellState = s.isLSTM ? try cpu.zeros(b * h) : nil
        let sequenceOutput = s.outputWeights != nil ? try cpu.zeros(b * h) : nil
        let dropped = rd != nil ? try cpu.zeros(b * h) : nil
        try cpu.run(.cellForward(CellForward(
            cell: cell, batch: b, projectedInput: x, projectedState: ps, bias: bias, previousState: previous, state: state,
            previousCellState: previousCell, cellState: cellState, gates: gates, mask: mask, sequenceOutput: sequenceOutput,
            recurrentDropoutMask: rd, droppedState: dropped)))

        let carried = try t(s.stateWeights), cellGradient = s.isLSTM ? try t(s.cellWeights) : nil
        let gateGradient = try cpu.zeros(b * g), recurrentGateGradient = s.isResetAfter ? try cpu.zeros(b * g) : nil
        try cpu.run(.cellBackward(CellBackward(
            cell: cell, batch: b, gates: gates, previousState: s.isResetAfter || s.isResetBefore ? previous : nil,
            previousCellState: previousCell, mask: mask, outputGradient: try s.outputWeights.map(t),
            recurrentGradient: try s.recurrentWeights.map(t), recurrentDropoutMask: rd, carriedGradient: carried,
            cellGradient: cellGradient, gateGradient: gateGradient, recurrentGateGradient: recurrentGateGradient)))
        if let candidateKernel {
            let resetStateGradient = try cpu.zeros(b * h)
            try cpu.run(.gemm(GEMM(transposeB: true, m: b, n: h, k: h, a: gateGradient.slice(2 * h, (b - 1) * g + h),
                                   b: candidateKernel, c: resetStateGradient, lda: g)))
            try cpu.run(.gruResetGateBackward(GRUResetGateBackward(
                cell: cell, batch: b, gates: gates, previousState: previous, resetStateGradient: resetStateGradient,
                recurrentDropoutMask: rd, carriedGradient: carried, gateGradient: gateGradient)))
        }
        let read = { (ref: FloatRef?) in try ref.map { try cpu.read($0) } ?? [] }
        return Outputs(state: try read(state), cellState: try read(cellState), sequenceOutput: try read(sequenceOutput),
                       droppedState: try read(dropped), gates: try read(gates), gateGradient: try read(gateGradient),
                       recurrentGateGradient: try read(recurrentGateGradient), carriedGradient: try read(carried),
                       cellGradient: try read(cellGradient))
    }

    static let kinds: [CellKind] = [.simpleRNN, .lstm, .gru(resetAfter: true), .gru(resetAfter: false)]

    func testCellOpsMatchTheFloat64CellMath() throws {
        let cpu = CPUBackend()
        for (n, kind) in Self.kinds.enumerated() {
            for (masked, dropout, extra) in [(false, false, CellGradientCheckTests.Extra.none), (true, true, .both)] {
                let s = CellGradientCheckTests.makeStep(kind, batch: 3, units: 5, masked: masked, dropout: dropout,
                                                        extra: extra, seed: 500 + UInt64(n))
                let got = try run(s, on: cpu)
                let forward = CellGradientCheckTests.forward(s), gradients = CellGradientCheckTests.analyticGradients(s)
                let close = { (actual: [Float], expected: [Double], what: String) in
                    assertClose(actual.map(Double.init), expected, relative: Self.relative, absolute: Self.absolute, "\(what) for \(s)")
                }
                close(got.state, forward.state, "state")
                close(got.cellState, forward.cellState, "cellState")
                close(got.sequenceOutput, forward.sequenceOutput, "sequenceOutput")
                close(got.droppedState, forward.droppedState, "droppedState")
                close(got.gates, forward.gates, "gates")
                close(got.gateGradient, gradients["projectedInput"]!, "gateGradient")
                if s.isResetAfter { close(got.recurrentGateGradient, gradients["projectedState"]!, "recurrentGateGradient") }
                close(got.carriedGradient, gradients["previousState"]!, "carriedGradient")
                close(got.cellGradient, gradients["previousCellState"]!, "cellGradient")
            }
        }
    }

    func testCellOpsGiveBitwiseTheSameResultsSplitAcrossThreads() throws {
        // B·G·H ≥ 2^15 elements takes the multi-threaded path; H is odd so no chunk is aligned.
        for (n, kind) in Self.kinds.enumerated() {
            let units = (1 << 15) / (64 * kind.gateCount) + 1
            let s = CellGradientCheckTests.makeStep(kind, batch: 64, units: units, masked: true, dropout: true,
                                                    extra: .both, seed: 900 + UInt64(n))
            let serial = try run(s, on: CPUBackend(threads: 1)), parallel = try run(s, on: CPUBackend(threads: 2))
            XCTAssertGreaterThanOrEqual(s.batch * s.cell.gateWidth, CPUBackend().parallelThreshold)
            for (what, a, b) in [("state", parallel.state, serial.state), ("cellState", parallel.cellState, serial.cellState),
                                 ("gates", parallel.gates, serial.gates), ("gateGradient", parallel.gateGradient, serial.gateGradient),
                                 ("recurrentGateGradient", parallel.recurrentGateGradient, serial.recurrentGateGradient),
                                 ("carriedGradient", parallel.carriedGradient, serial.carriedGradient),
                                 ("cellGradient", parallel.cellGradient, serial.cellGradient)] {
                assertBitwiseEqual(a, b, "\(kind.name) \(what), 2 threads vs 1")
            }
        }
    }
}
