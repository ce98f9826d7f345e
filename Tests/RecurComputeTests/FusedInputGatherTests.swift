import XCTest
@testable import RecurCompute

/// The CPU backend runs a recurrent loop's input gather (the projected distinct tokens' rows,
/// picked by each occurrence's slot) inside the loop: the cells read each row from the table, and the gather's `[T, B, G]`
/// output is never written. The states must be the same bits as gathering first, out-of-range
/// token ids included (they read a row of zeros, as the gather writes them).
final class FusedInputGatherTests: XCTestCase {
    func testTheCellsReadTheTableRowsTheGatherWouldCopy() throws {
        let cells = [RecurrentCell(.simpleRNN, units: 5), RecurrentCell(.lstm, units: 9), RecurrentCell(.gru(resetAfter: true), units: 6),
                     RecurrentCell(.gru(resetAfter: false), units: 4)]
        let (b, t, v, e) = (4, 6, 7, 3)
        let tokens: [Int32] = [1, 2, 3, 4, 5, 6, 0, -1, 7, 2, 2, 2, 6, 5, 4, 3, 2, 1, 9, 0, 0, 1, 1, 3]
        for cell in cells {
            for (reverse, masked) in [(false, false), (true, true)] {
                let label = "\(cell.kind.name) reverse=\(reverse) masked=\(masked)"
                let fused = try run(cell, b: b, t: t, v: v, e: e, tokens: tokens, reverse: reverse, masked: masked, fuse: true)
                let gathered = try run(cell, b: b, t: t, v: v, e: e, tokens: tokens, reverse: reverse, masked: masked, fuse: false)
                XCTAssertEqual(fused.outputs, gathered.outputs, label)
                XCTAssertFalse(gathered.projectedInputs.contains { $0.isNaN }, "\(label): the gather ran")
                if cell.kind == .gru(resetAfter: false) {
                    // Its reset gate reads the gathered rows outside the fused cell: the gather runs.
                    XCTAssertFalse(fused.projectedInputs.contains { $0.isNaN }, label)
                } else {
                    XCTAssertTrue(fused.projectedInputs.allSatisfy { $0.isNaN }, "\(label): the gather's output was formed")
                }
            }
        }
    }

    func run(_ cell: RecurrentCell, b: Int, t: Int, v: Int, e: Int, tokens: [Int32], reverse: Bool, masked: Bool,
             fuse: Bool) throws -> (outputs: [Float], projectedInputs: [Float]) {
        let cpu = CPUBackend()
        let mask: [Float]? = masked ? (0..<t * b).map { $0 % 5 == 1 ? 0 : 1 } : nil
        let fixture = try TokenSequenceFixture(cell, batch: b, time: t, vocabulary: v, width: e, tokens: tokens, reverse: reverse,
                                               mask: mask, training: false, on: cpu, seed: 31)
        let sequence = fixture.sequence
        let forward = sequence.forward()
        let ops = forward.flatMap { op -> [Op] in
            if !fuse, case .recurrentLoop(let loop) = op { return loop.gatherThenLoop }
            return [op]
        }
        XCTAssertTrue(ops.contains { if case .recurrentLoop(let loop) = $0 { return (loop.inputGather != nil) == fuse }; return false })
        for op in ops { try cpu.enqueue(op, lane: 0) }
        if !fuse {
            // Asked for again (as the phase profile does every step), the gather-less loop is the
            // same loop to the backend: run again, not prepared again.
            let prepared = cpu.preparedLoops.derivations
            for case .recurrentLoop(let loop) in forward {
                for case .recurrentLoop(let gatherless) in loop.gatherThenLoop { try cpu.enqueue(.recurrentLoop(gatherless), lane: 0) }
            }
            XCTAssertEqual(cpu.preparedLoops.derivations, prepared, "the gather-less loop was prepared again")
        }
        return (try cpu.read(sequence.sequenceOutput), try cpu.read(fixture.projectedInputs))
    }
}
