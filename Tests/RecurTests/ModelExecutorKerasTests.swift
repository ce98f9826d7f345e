import Foundation
import XCTest
@testable import Recur

/// Whole models against Keras (`Goldens/keras_model_steps.json`, from
/// `Goldens/make_model_step_goldens.py`, Keras 3.15 in float64, no dropout): each model read from
/// Keras's own `to_json()`, run with Keras's weights, must give Keras's predictions, loss and
/// every trained weight's gradient. Float32 against float64: 2e-5 absolute + 5e-4 relative.
final class ModelExecutorKerasTests: XCTestCase {
    struct Golden: Decodable {
        let name: String
        let model_json: String
        let batch: Int, time: Int
        let loss: String
        let weights: [String: [Double]]
        let token_ids: [Int32]
        let labels: [Double]
        let predictions: [Double]
        let loss_value: Double
        let gradients: [String: [Double]]
    }

    static func goldens() throws -> [Golden] {
        struct File: Decodable { let cases: [Golden] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens/keras_model_steps.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    func testModelsMatchKerasOnCPU() throws { try checkAll(CPUBackend()) }

    func testModelsMatchKerasOnOpenCL() throws {
        guard let entry = OpenCLDiscovery.discover().devices.first else { throw XCTSkip("no OpenCL device on this machine") }
        try checkAll(try OpenCLBackend(entry: entry))
    }

    func checkAll(_ backend: Backend) throws {
        let goldens = try Self.goldens()
        XCTAssertEqual(goldens.count, 6)
        for golden in goldens { try check(golden, backend) }
    }

    func check(_ golden: Golden, _ backend: Backend) throws {
        // The reference ran in float64 for precision; the model itself is the float32 one.
        let model = try SequentialModel(kerasJSON: golden.model_json.replacingOccurrences(of: "\"float64\"", with: "\"float32\""))
        let loss: LossKind = golden.loss == "binary_crossentropy" ? .binaryCrossEntropy : .sparseCategoricalCrossEntropy
        let parameters = try ParameterStore(model: model, backend: backend)
        let executor = try ModelExecutor(parameters: parameters, loss: loss,
                                         options: .init(batch: golden.batch, time: golden.time, training: true, dropout: false))
        try parameters.setWeights(golden.weights.mapValues { $0.map(Float.init) })
        try executor.upload(tokenIDs: golden.token_ids, labels: golden.labels.map(Float.init))
        var plan = Plan()
        try plan.append(contentsOf: executor.forwardOps + executor.backwardOps)
        try plan.enqueue(on: backend)
        let label = "\(golden.name) on \(backend.device.identifier)"
        assertClose(try backend.read(executor.predictions), golden.predictions, "\(label) predictions")
        assertClose(try backend.read(executor.lossValue), [golden.loss_value], "\(label) loss")
        for (path, expected) in golden.gradients.sorted(by: { $0.key < $1.key }) {
            assertClose(try backend.read(try executor.gradient(path)), expected, "\(label) d\(path)")
        }
    }

    func assertClose(_ got: [Float], _ want: [Double], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, label, file: file, line: line)
        var failures: [String] = []
        for i in 0..<min(got.count, want.count) where abs(Double(got[i]) - want[i]) > 2e-5 + 5e-4 * abs(want[i]) {
            failures.append("[\(i)] \(got[i]) vs Keras \(want[i])")
        }
        XCTAssertTrue(failures.isEmpty, "\(label): \(failures.count) of \(want.count) differ, first: \(failures.prefix(3).joined(separator: ", "))",
                      file: file, line: line)
    }
}
