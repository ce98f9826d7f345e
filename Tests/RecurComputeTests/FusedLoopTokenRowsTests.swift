import XCTest
@testable import RecurCompute

/// The fused OpenCL loops read a forward loop's input gather in place: each step's projected
/// input is its token's row of the projected table (zeros for an id outside it), and the gather's
/// `[T, B, G]` output is never written. The outputs must match the CPU reference for every cell
/// whose cells read only whole gathered timesteps, both directions, training and inference
/// shapes, row kernels (H a multiple of 8) and unit kernels; a reset-before GRU, whose reset gate
/// reads the gathered rows too, still runs the gather.
final class FusedLoopTokenRowsTests: XCTestCase {
    static let (batch, time, vocabulary, width) = (5, 6, 7, 3)
    /// Slots of the projected table, −1 and 9 outside it.
    static let tokens: [Int32] = [1, 2, 3, 4, 5, 6, 0, -1, 6, 2, 2, 2, 6, 5, 4, 3, 2, 1, 9, 0, 0, 1, 1, 3, 0, 0, 0, 0, 5, 5]

    func testFusedLoopsReadTheTableRowsTheGatherWouldWrite() throws {
        let cells = [RecurrentCell(.simpleRNN, units: 8), RecurrentCell(.lstm, units: 8), RecurrentCell(.gru(resetAfter: true), units: 16),
                     RecurrentCell(.lstm, units: 5), RecurrentCell(.gru(resetAfter: true), units: 3),
                     RecurrentCell(.gru(resetAfter: false), units: 4)]
        for mode in [RecurrentLoopMode.fused, .fusedGlobalWeights] {
            let backend = try OpenCLBackend(entry: firstOpenCLDevice(), cache: nil, recurrentLoops: mode)
            for cell in cells {
                for (reverse, training) in [(false, true), (true, true), (false, false), (true, false)] {
                    let label = "\(cell.kind.name) H=\(cell.units) reverse=\(reverse) training=\(training) \(mode)"
                    let paths = backend.recurrentLoopPaths
                    let device = try run(cell, reverse: reverse, training: training, on: backend)
                    let reference = try run(cell, reverse: reverse, training: training, on: CPUBackend())
                    XCTAssertEqual(backend.recurrentLoopPaths.fused - paths.fused, 1, "\(label): not one fused launch")
                    let inPlace = backend.recurrentLoopPaths.gathersReadInPlace - paths.gathersReadInPlace
                    if cell.kind == .gru(resetAfter: false) {
                        XCTAssertEqual(inPlace, 0, label)
                        XCTAssertFalse(device.projectedInputs.contains { $0.isNaN }, "\(label): the gather did not run")
                    } else {
                        XCTAssertEqual(inPlace, 1, label)
                        XCTAssertTrue(device.projectedInputs.allSatisfy { $0.isNaN }, "\(label): the gather's output was written")
                    }
                    XCTAssertEqual(device.outputs.count, reference.outputs.count, label)
                    for (index, (d, r)) in zip(device.outputs, reference.outputs).enumerated() {
                        XCTAssertEqual(d, r, accuracy: 1e-4 + 1e-3 * abs(r), "\(label): output \(index)")
                    }
                }
            }
        }
    }

    /// The forward of one direction reading projected tokens on `backend`: its sequence output
    /// and final state, and what the gather's output holds afterwards (NaN where never written).
    func run(_ cell: RecurrentCell, reverse: Bool, training: Bool, on backend: Backend) throws
        -> (outputs: [Float], projectedInputs: [Float]) {
        let fixture = try TokenSequenceFixture(cell, batch: Self.batch, time: Self.time, vocabulary: Self.vocabulary, width: Self.width,
                                               tokens: Self.tokens, reverse: reverse, training: training, on: backend, seed: 41)
        let sequence = fixture.sequence
        for op in sequence.forward() { try backend.enqueue(op, lane: 0) }
        try backend.synchronize()
        return (try backend.read(sequence.sequenceOutput) + backend.read(sequence.finalState), try backend.read(fixture.projectedInputs))
    }
}
