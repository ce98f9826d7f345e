import Foundation
import XCTest
@testable import RecurCompute

/// The whole-sequence recurrent op against Keras itself: outputs and every gradient of
/// `L = Σ output ⊙ G` for SimpleRNN, LSTM, GRU (both reset variants), go_backwards and masks,
/// from `Goldens/keras_recurrent_layers.json` (Keras 3.15 in float64; re-run
/// `Goldens/make_keras_goldens.py` to regenerate). Recur computes in float32, so the tolerance is
/// 2e-5 absolute + 2e-4 relative.
final class KerasGoldenTests: XCTestCase {
    struct Golden: Decodable {
        struct Weight: Decodable { let shape: [Int]; let values: [Double] }
        let name: String
        let layer: String
        let config: [String: ConfigValue]
        let batch: Int, time: Int, features: Int
        let input: [Double]
        let mask: [Double]?
        let weights: [String: Weight]
        let output_shape: [Int]
        let output: [Double]
        let output_gradient: [Double]
        let input_gradient: [Double]
        let weight_gradients: [String: [Double]]
    }

    enum ConfigValue: Decodable {
        case bool(Bool), number(Double), text(String), null
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let d = try? c.decode(Double.self) { self = .number(d) }
            else { self = .text(try c.decode(String.self)) }
        }
        var bool: Bool { if case .bool(let b) = self { return b }; return false }
        var number: Double { if case .number(let d) = self { return d }; return 0 }
        var text: String { if case .text(let s) = self { return s }; return "" }
    }

    static func goldens() throws -> [Golden] {
        struct File: Decodable { let cases: [Golden] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens/keras_recurrent_layers.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    func testRecurrentSequenceMatchesKerasOnCPU() throws {
        try checkAll(on: CPUBackend())
    }

    func testRecurrentSequenceMatchesKerasOnOpenCL() throws {
        try checkAll(on: OpenCLBackend(entry: firstOpenCLDevice()))
    }

    func checkAll(on backend: Backend) throws {
        let goldens = try Self.goldens()
        XCTAssertGreaterThanOrEqual(goldens.count, 11)
        for golden in goldens { try check(golden, on: backend) }
    }

    func cell(for golden: Golden) throws -> RecurrentCell {
        let units = Int(golden.config["units"]!.number)
        let activation = try XCTUnwrap(Activation(kerasName: golden.config["activation"]!.text))
        let recurrent = Activation(kerasName: golden.config["recurrent_activation"]?.text ?? "sigmoid") ?? .sigmoid
        switch golden.layer {
        case "SimpleRNN": return RecurrentCell(.simpleRNN, units: units, activation: activation)
        case "LSTM": return RecurrentCell(.lstm, units: units, activation: activation, recurrentActivation: recurrent)
        case "GRU": return RecurrentCell(.gru(resetAfter: golden.config["reset_after"]!.bool), units: units,
                                         activation: activation, recurrentActivation: recurrent)
        default: throw XCTSkip("no recurrent cell for \(golden.layer)")
        }
    }

    func check(_ golden: Golden, on backend: Backend) throws {
        let cell = try cell(for: golden)
        let (b, t, d, h) = (golden.batch, golden.time, golden.features, cell.units)
        let reverse = golden.config["go_backwards"]!.bool
        let sequences = golden.config["return_sequences"]!.bool
        let shape = RecurrentSequence.Shape(cell: cell, batch: b, time: t, inputWidth: d, reverse: reverse,
                                            masked: golden.mask != nil, maskedOutput: .carried)
        var layout = ArenaLayout()
        RecurrentSequence.reserve(shape, prefix: "rnn", in: &layout)
        let arena = try Arena(layout, on: backend)
        // Keras is batch-major [B, T, ·]; Recur's sequences are time-major [T, B, ·].
        func timeMajor(_ values: [Double], width: Int) -> [Float] {
            var out = [Float](repeating: 0, count: values.count)
            for bi in 0..<b { for ti in 0..<t { for k in 0..<width { out[(ti * b + bi) * width + k] = Float(values[(bi * t + ti) * width + k]) } } }
            return out
        }
        func weight(_ name: String) throws -> FloatRef { try backend.tensor(golden.weights[name]!.values.map(Float.init)) }
        let mask = try golden.mask.map { try backend.tensor(timeMajor($0, width: 1)) }
        let bindings = RecurrentSequence.Bindings(
            input: .sequence(try backend.tensor(timeMajor(golden.input, width: d))), kernel: try weight("kernel"),
            recurrentKernel: try weight("recurrent_kernel"), bias: try weight("bias"),
            kernelGradient: try backend.zeros(d * cell.gateWidth), recurrentKernelGradient: try backend.zeros(h * cell.gateWidth),
            biasGradient: try backend.zeros(cell.biasCount), inputGradient: try backend.zeros(t * b * d), mask: mask)
        let sequence = RecurrentSequence(shape, prefix: "rnn", arena: arena, bindings: bindings)

        // Keras's go_backwards output is in processing order: its step i is time T−1−i.
        func kerasSequence(toTimeAligned values: [Double]) -> [Float] {
            var aligned = timeMajor(values, width: h)
            if reverse {
                let copy = aligned
                for ti in 0..<t { for k in 0..<(b * h) { aligned[ti * b * h + k] = copy[(t - 1 - ti) * b * h + k] } }
            }
            return aligned
        }
        var plan = Plan()
        try plan.append(contentsOf: sequence.forward())
        if sequences {
            let gradient = try backend.tensor(kerasSequence(toTimeAligned: golden.output_gradient))
            try plan.append(contentsOf: sequence.backward(outputGradient: gradient, finalStateGradient: nil))
        } else {
            let gradient = try backend.tensor(golden.output_gradient.map(Float.init))
            try plan.append(contentsOf: sequence.backward(outputGradient: nil, finalStateGradient: gradient))
        }
        try plan.enqueue(on: backend)

        let label = "\(golden.name) on \(backend.device.identifier)"
        let expectedOutput = sequences ? kerasSequence(toTimeAligned: golden.output) : golden.output.map(Float.init)
        let output = try backend.read(sequences ? sequence.sequenceOutput : sequence.finalState)
        assertClose(output, expectedOutput, "\(label): output")
        assertClose(try backend.read(bindings.inputGradient!), timeMajor(golden.input_gradient, width: d), "\(label): input gradient")
        assertClose(try backend.read(bindings.kernelGradient), golden.weight_gradients["kernel"]!.map(Float.init), "\(label): kernel gradient")
        assertClose(try backend.read(bindings.recurrentKernelGradient), golden.weight_gradients["recurrent_kernel"]!.map(Float.init),
                    "\(label): recurrent kernel gradient")
        assertClose(try backend.read(bindings.biasGradient), golden.weight_gradients["bias"]!.map(Float.init), "\(label): bias gradient")
    }

    func assertClose(_ got: [Float], _ want: [Float], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, label, file: file, line: line)
        var failures: [String] = []
        for i in 0..<min(got.count, want.count) where abs(got[i] - want[i]) > 2e-5 + 2e-4 * abs(want[i]) {
            failures.append("[\(i)] \(got[i]) vs Keras \(want[i])")
        }
        XCTAssertTrue(failures.isEmpty, "\(label): \(failures.count) mismatches, first: \(failures.prefix(4).joined(separator: ", "))",
                      file: file, line: line)
    }
}
