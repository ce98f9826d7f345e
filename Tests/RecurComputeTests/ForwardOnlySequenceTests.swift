import XCTest
@testable import RecurCompute

/// A forward-only sequence (inference: no saved gates, a three-row state history) gives the
/// final state and outputs of the full forward, on every backend, and still does on a second run
/// of the same plan: the initial state keeps its own row, so nothing stale leaks into the next batch.
final class ForwardOnlySequenceTests: XCTestCase {
    func testForwardOnlyMatchesTheStoredForwardTwiceInARow() throws {
        var backends: [Backend] = [CPUBackend()]
        if let entry = OpenCLDiscovery.discover().devices.first { backends.append(try OpenCLBackend(entry: entry)) }
        for backend in backends {
            for cell in RecurrentSequenceTests.cells {
                for (reverse, masked) in [(false, false), (true, true), (false, true)] {
                    for outputsSequence in [false, true] {
                        let full = RecurrentSequence.Shape(cell: cell, batch: 5, time: 7, inputWidth: 4, reverse: reverse, masked: masked)
                        var only = full
                        only.storesForBackward = false
                        only.outputsSequence = outputsSequence
                        only.inputGradient = false
                        let label = "\(backend.device.name) \(cell.kind.name) reverse=\(reverse) masked=\(masked) sequence=\(outputsSequence)"
                        let expected = try SequenceFixture(full, backend: backend, seed: 9)
                        try expected.runForward()
                        let actual = try SequenceFixture(only, backend: backend, seed: 9)
                        var plan = Plan()
                        try plan.append(contentsOf: actual.sequence.forward())
                        for run in 1...2 {
                            try plan.enqueue(on: backend)
                            XCTAssertEqual(try backend.read(actual.sequence.finalState), try backend.read(expected.sequence.finalState),
                                           "\(label) run \(run)")
                            if outputsSequence {
                                XCTAssertEqual(try backend.read(actual.sequence.sequenceOutput),
                                               try backend.read(expected.sequence.sequenceOutput), "\(label) run \(run)")
                            }
                        }
                    }
                }
            }
        }
    }

    func testForwardOnlyReservesNoGradientBuffersAndAConstantStateHistory() {
        let cell = RecurrentCell(.lstm, units: 8)
        func floats(_ shape: RecurrentSequence.Shape) -> Int {
            var layout = ArenaLayout()
            RecurrentSequence.reserve(shape, prefix: "rnn", in: &layout)
            return layout.floatCount
        }
        var short = RecurrentSequence.Shape(cell: cell, batch: 4, time: 10, inputWidth: 3)
        short.storesForBackward = false
        short.outputsSequence = false
        var long = short
        long.time = 1000
        // Only the input projection grows with T: [T, B, 4H] (to within the slot alignment).
        XCTAssertEqual(Double(floats(long) - floats(short)), Double((1000 - 10) * 4 * 32), accuracy: 64)
        var training = long
        training.storesForBackward = true
        XCTAssertGreaterThan(floats(training), 3 * floats(long))
    }
}
