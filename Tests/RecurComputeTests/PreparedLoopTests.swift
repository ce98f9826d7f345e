import XCTest
@testable import RecurCompute

/// The CPU backend resolves each recurrent loop once and keeps it under the loop's identity
/// (``PreparedLoop``, ``LoopCache``). A plan run again must read the tensors as they are
/// then, and an entry must never serve a loop other than its own.
final class PreparedLoopTests: XCTestCase {
    /// Both loops read the recurrent kernel from their own packed copy (the backward's
    /// transposed); changed between two runs of the same plan, the second run must give what
    /// new loops with the same ops give.
    func testARunAgainReusesItsLoopsAndReadsTheWeightsAsTheyAreNow() throws {
        let backend = CPUBackend(threads: 2)
        let shape = RecurrentSequence.Shape(cell: RecurrentCell(.lstm, units: 5), batch: 8, time: 6, inputWidth: 3, masked: true)
        let fixture = try SequenceFixture(shape, backend: backend, seed: 5)
        let sequence = fixture.sequence
        let plan = try Plan(sequence.forward() + sequence.backward(outputGradient: fixture.outputWeightTensor,
                                                                   finalStateGradient: fixture.finalWeightTensor))
        func run(_ plan: Plan) throws -> [Float] {
            try backend.write([Float](repeating: 0, count: sequence.initialState.count), to: sequence.initialState)
            if let c = sequence.initialCellState { try backend.write([Float](repeating: 0, count: c.count), to: c) }
            try plan.enqueue(on: backend)
            return try backend.read(sequence.sequenceOutput) + backend.read(fixture.bindings.inputGradient!)
                + backend.read(fixture.bindings.recurrentKernelGradient)
        }
        let first = try run(plan)
        let prepared = backend.preparedLoops.count
        XCTAssertEqual(prepared, 2, "the forward and the backward loop")

        let kernel = fixture.bindings.recurrentKernel
        try backend.write(try backend.read(kernel).map { $0 * -0.5 + 0.1 }, to: kernel)
        let again = try run(plan)
        XCTAssertEqual(backend.preparedLoops.count, prepared, "the plan's loops are prepared once")
        XCTAssertNotEqual(again, first, "the new weights change the results")

        let renewed = try Plan(plan.ops.map { op -> Op in
            guard case .recurrentLoop(let loop) = op else { return op }
            return .recurrentLoop(RecurrentLoop(batch: loop.batch, steps: loop.steps, inputGather: loop.inputGather))
        })
        let expected = try run(renewed)
        XCTAssertEqual(backend.preparedLoops.count, prepared + 2, "new loops are prepared afresh")
        assertBitwiseEqual(again, expected, "a run again against new loops")
    }

    /// Two sequences' forward loops, made afresh for every run (``RecurrentSequence/forward()``
    /// builds new ones), alternate: each run must run its own sequence's steps, and the entries
    /// of the loops that are gone are dropped when a new loop is prepared.
    func testEntriesOfLoopsThatAreGoneAreDroppedAndNeverServeAnotherLoop() throws {
        let backend = CPUBackend(threads: 2)
        let fixtures = [
            try SequenceFixture(.init(cell: RecurrentCell(.lstm, units: 5), batch: 8, time: 6, inputWidth: 3), backend: backend, seed: 6),
            try SequenceFixture(.init(cell: RecurrentCell(.gru(resetAfter: true), units: 4), batch: 6, time: 5, inputWidth: 2),
                                backend: backend, seed: 7),
        ]
        var expected: [[Float]] = []
        for fixture in fixtures {
            try fixture.runForward()
            expected.append(try backend.read(fixture.sequence.sequenceOutput))
        }
        for run in 0..<150 {
            let fixture = fixtures[run % 2], output = fixture.sequence.sequenceOutput
            try backend.write([Float](repeating: 0, count: output.count), to: output)
            try fixture.runForward()
            assertBitwiseEqual(try backend.read(output), expected[run % 2], "run \(run)")
        }
        XCTAssertLessThanOrEqual(backend.preparedLoops.count, 1, "only the last run's loop, which a new one would drop")
    }
}
