import XCTest
@testable import RecurCompute

/// The whole-sequence forward/backward (`RecurrentSequence`): every parameter and input
/// gradient against central finite differences of the loss, on the CPU reference backend.
///
/// Float32 differences with step 3e-3: truncation and rounding errors stay below 1e-3
/// absolute, so the tolerance is 3e-3 absolute + 3e-2 relative — loose enough for Float32,
/// tight enough to catch a wrong row, a missing term or a swapped direction (those are O(1)).
final class RecurrentSequenceTests: XCTestCase {
    static let cells: [RecurrentCell] = [
        RecurrentCell(.simpleRNN, units: 3), RecurrentCell(.lstm, units: 3),
        RecurrentCell(.gru(resetAfter: true), units: 3), RecurrentCell(.gru(resetAfter: false), units: 3),
    ]

    func testSequenceGradientsMatchFiniteDifferencesForEveryCellAndDirection() throws {
        for cell in Self.cells {
            for reverse in [false, true] {
                for extras in [false, true] {
                    let shape = RecurrentSequence.Shape(cell: cell, batch: 2, time: 4, inputWidth: 3, reverse: reverse,
                                                        masked: extras, recurrentDropout: extras)
                    try checkGradients(shape)
                }
            }
        }
    }

    func checkGradients(_ shape: RecurrentSequence.Shape) throws {
        let label = "\(shape.cell.kind.name) reverse=\(shape.reverse) masked+dropout=\(shape.masked)"
        let fixture = try SequenceFixture(shape, backend: CPUBackend(), seed: 11)
        let analytic = try fixture.gradients()
        for parameter in SequenceFixture.Parameter.allCases {
            let values = fixture.values[parameter]!
            let step: Float = 3e-3
            for i in 0..<values.count {
                var plus = values, minus = values
                plus[i] += step; minus[i] -= step
                let numeric = (try fixture.loss(replacing: parameter, with: plus) - fixture.loss(replacing: parameter, with: minus)) / Double(2 * step)
                let got = Double(analytic[parameter]![i])
                XCTAssertEqual(got, numeric, accuracy: 3e-3 + 3e-2 * abs(numeric), "\(label): d\(parameter)[\(i)]")
            }
        }
    }

    /// The same sequence, forward and backward, on every OpenCL device against the CPU.
    func testSequenceMatchesCPUOnOpenCL() throws {
        let devices = OpenCLDiscovery.discover().devices
        try XCTSkipIf(devices.isEmpty, "no OpenCL device on this machine")
        let opencl = try OpenCLBackend(entry: devices[0])
        for cell in Self.cells {
            for extras in [false, true] {
                let shape = RecurrentSequence.Shape(cell: cell, batch: 5, time: 7, inputWidth: 7, reverse: extras,
                                                    masked: extras, recurrentDropout: extras)
                let expected = try SequenceFixture(shape, backend: CPUBackend(), seed: 5).gradients()
                let actual = try SequenceFixture(shape, backend: opencl, seed: 5).gradients()
                for (parameter, want) in expected {
                    let got = actual[parameter]!
                    for i in 0..<want.count {
                        // Reassociated sums over T·B rows: 1e-4 absolute + 1e-3 relative.
                        XCTAssertEqual(got[i], want[i], accuracy: 1e-4 + 1e-3 * abs(want[i]), "\(cell.kind.name) d\(parameter)[\(i)]")
                    }
                }
            }
        }
    }
}

/// A recurrent sequence with random parameters and inputs, and the loss
/// `L = Σ a ⊙ sequenceOutput + Σ c ⊙ finalState` with fixed random weights a, c.
struct SequenceFixture {
    enum Parameter: String, CaseIterable { case input, kernel, recurrentKernel, bias }

    let shape: RecurrentSequence.Shape
    let backend: Backend
    let sequence: RecurrentSequence
    let arena: Arena
    /// `[T, B, D]`, what ``bindings`` reads.
    let input: FloatRef
    let bindings: RecurrentSequence.Bindings
    var values: [Parameter: [Float]] = [:]
    let outputWeights: [Float]
    let finalWeights: [Float]
    let outputWeightTensor: FloatRef
    let finalWeightTensor: FloatRef

    init(_ shape: RecurrentSequence.Shape, backend: Backend, seed: UInt64) throws {
        self.shape = shape
        self.backend = backend
        let (b, t, h, g, d) = (shape.batch, shape.time, shape.cell.units, shape.cell.gateWidth, shape.inputWidth)
        var layout = ArenaLayout()
        RecurrentSequence.reserve(shape, prefix: "rnn", in: &layout)
        arena = try Arena(layout, on: backend)
        let philox = Philox(seed: seed)
        func uniform(_ n: Int, _ stream: UInt32, _ scale: Float) -> [Float] { philox.uniforms(count: n, stream: stream).map { ($0 * 2 - 1) * scale } }
        values[.input] = uniform(t * b * d, 1, 1)
        values[.kernel] = uniform(d * g, 2, 0.6)
        values[.recurrentKernel] = uniform(h * g, 3, 0.6)
        values[.bias] = uniform(shape.cell.biasCount, 4, 0.3)
        outputWeights = uniform(t * b * h, 5, 1)
        finalWeights = uniform(b * h, 6, 1)
        // Mask: sequence 0 padded at the start ("pre" padding), sequence 1 padded at the end.
        var mask: FloatRef?
        if shape.masked {
            var m = [Float](repeating: 1, count: t * b)
            m[0 * b + 0] = 0; m[1 * b + 0] = 0; m[(t - 1) * b + 1 % b] = 0
            mask = try backend.tensor(m)
        }
        let dropout = shape.recurrentDropout
            ? try backend.tensor(philox.uniforms(count: b * h, stream: 7).map { $0 < 0.3 ? 0 : 1 / 0.7 }) : nil
        input = try backend.tensor(values[.input]!)
        bindings = RecurrentSequence.Bindings(
            input: .sequence(input), kernel: try backend.tensor(values[.kernel]!),
            recurrentKernel: try backend.tensor(values[.recurrentKernel]!), bias: try backend.tensor(values[.bias]!),
            kernelGradient: try backend.zeros(d * g), recurrentKernelGradient: try backend.zeros(h * g),
            biasGradient: try backend.zeros(shape.cell.biasCount), inputGradient: try backend.zeros(t * b * d),
            mask: mask, recurrentDropoutMask: dropout)
        sequence = RecurrentSequence(shape, prefix: "rnn", arena: arena, bindings: bindings)
        outputWeightTensor = try backend.tensor(outputWeights)
        finalWeightTensor = try backend.tensor(finalWeights)
    }

    func tensor(_ parameter: Parameter) -> FloatRef {
        switch parameter {
        case .input: return input
        case .kernel: return bindings.kernel
        case .recurrentKernel: return bindings.recurrentKernel
        case .bias: return bindings.bias
        }
    }

    func runForward() throws {
        try backend.write([Float](repeating: 0, count: sequence.initialState.count), to: sequence.initialState)
        if let c = sequence.initialCellState { try backend.write([Float](repeating: 0, count: c.count), to: c) }
        var plan = Plan()
        try plan.append(contentsOf: sequence.forward())
        try plan.enqueue(on: backend)
    }

    func loss(replacing parameter: Parameter, with replacement: [Float]) throws -> Double {
        try backend.write(replacement, to: tensor(parameter))
        defer { try? backend.write(values[parameter]!, to: tensor(parameter)) }
        try runForward()
        let outputs = try backend.read(sequence.sequenceOutput), final = try backend.read(sequence.finalState)
        var total = 0.0
        for i in 0..<outputs.count { total += Double(outputWeights[i]) * Double(outputs[i]) }
        for i in 0..<final.count { total += Double(finalWeights[i]) * Double(final[i]) }
        return total
    }

    func gradients() throws -> [Parameter: [Float]] {
        try runForward()
        var plan = Plan()
        try plan.append(contentsOf: sequence.backward(outputGradient: outputWeightTensor, finalStateGradient: finalWeightTensor))
        try plan.enqueue(on: backend)
        return [.input: try backend.read(bindings.inputGradient!), .kernel: try backend.read(bindings.kernelGradient),
                .recurrentKernel: try backend.read(bindings.recurrentKernelGradient), .bias: try backend.read(bindings.biasGradient)]
    }
}

/// Both directions of a bidirectional layer on two queues give what running them one after
/// the other gives, bit for bit (each direction's ops are the same; only their overlap changes).
final class BidirectionalLanesTests: XCTestCase {
    func testTwoDirectionsOnSeparateLanesMatchSequentialRun() throws {
        var backends: [Backend] = [CPUBackend()]
        if let entry = OpenCLDiscovery.discover().devices.first { backends.append(try OpenCLBackend(entry: entry)) }
        for backend in backends {
            let cell = RecurrentCell(.gru(resetAfter: true), units: 6)
            var results: [[Float]] = []
            for concurrent in [false, true] {
                let forward = try SequenceFixture(.init(cell: cell, batch: 3, time: 8, inputWidth: 4), backend: backend, seed: 3)
                let reverse = try SequenceFixture(.init(cell: cell, batch: 3, time: 8, inputWidth: 4, reverse: true), backend: backend, seed: 3)
                var plan = Plan()
                if concurrent {
                    try plan.appendConcurrently(forward.sequence.forward(), reverse.sequence.forward())
                } else {
                    try plan.append(contentsOf: forward.sequence.forward() + reverse.sequence.forward())
                }
                try plan.enqueue(on: backend)
                results.append(try backend.read(forward.sequence.sequenceOutput) + backend.read(reverse.sequence.sequenceOutput))
            }
            XCTAssertEqual(results[0], results[1], backend.device.name)
            XCTAssertNotEqual(Array(results[0].prefix(3 * 8 * 6)), Array(results[0].suffix(3 * 8 * 6)), "the directions differ")
        }
    }

    /// The CPU backend holds a concurrent section's ops until lane 1 joins back (then runs the
    /// two loops side by side), and anything that reads runs an open section first.
    func testCPUBackendRunsASectionAtItsClose() throws {
        let backend = CPUBackend(threads: 2)
        let cell = RecurrentCell(.lstm, units: 5)
        let forward = try SequenceFixture(.init(cell: cell, batch: 8, time: 6, inputWidth: 3), backend: backend, seed: 4)
        let reverse = try SequenceFixture(.init(cell: cell, batch: 8, time: 6, inputWidth: 3, reverse: true), backend: backend, seed: 4)
        let sequential = forward.sequence.forward() + reverse.sequence.forward()
        try Plan(sequential).enqueue(on: backend)
        let expected = try backend.read(forward.sequence.sequenceOutput) + backend.read(reverse.sequence.sequenceOutput)
        try backend.write(Array(repeating: 0, count: forward.sequence.sequenceOutput.count), to: forward.sequence.sequenceOutput)
        try backend.write(Array(repeating: 0, count: reverse.sequence.sequenceOutput.count), to: reverse.sequence.sequenceOutput)

        try backend.join(lane: 0, into: 1)
        let launches = backend.counters.launches
        for op in forward.sequence.forward() { try backend.enqueue(op, lane: 0) }
        for op in reverse.sequence.forward() { try backend.enqueue(op, lane: 1) }
        XCTAssertEqual(backend.counters.launches, launches, "nothing runs before the section closes")
        try backend.join(lane: 1, into: 0)
        XCTAssertGreaterThan(backend.counters.launches, launches)
        XCTAssertEqual(try backend.read(forward.sequence.sequenceOutput) + backend.read(reverse.sequence.sequenceOutput), expected)

        try backend.join(lane: 0, into: 1)
        for op in reverse.sequence.forward() { try backend.enqueue(op, lane: 1) }
        XCTAssertEqual(try backend.read(reverse.sequence.sequenceOutput), Array(expected.suffix(reverse.sequence.sequenceOutput.count)),
                       "a read runs the open section first")
    }
}
