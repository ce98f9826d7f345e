import XCTest
@testable import Recur

final class ReferencePresetTests: XCTestCase {
    /// The parameter counts the documents print, from the presets as Recur builds them.
    func testPresetsHaveTheDocumentsParameterCounts() throws {
        XCTAssertEqual(try ReferencePreset.simpleRNNIMDB.model().parameterCount, 322_113)
        XCTAssertEqual(try ReferencePreset.lstmIMDB.model().parameterCount, 328_353)
        XCTAssertEqual(try ReferencePreset.stackedSimpleRNN.model().parameterCount, 1_300_673)
        let bigru = try ReferencePreset.bigruW2V.model()
        XCTAssertEqual(bigru.parameterCount, 6_330_754)
        XCTAssertEqual(bigru.trainableParameterCount, 330_754)
    }

    /// The same seed and data give matching losses on the CPU and OpenCL backends for the first
    /// 20 steps of every reference model (its real layers, at batch 8 and 24 timesteps so the
    /// test stays short; dropout on). Tolerance 2e-3 relative: sums reassociate per device and the
    /// difference grows slowly over 20 Adam/RMSprop steps. A device that is not a GPU trains on a
    /// GPU's launch paths too (``OpenCLPaths/gpu``), so the whole step a GPU host runs is checked.
    func testEveryPresetTrainsTheSameOnCPUAndOpenCLForTwentySteps() throws {
        guard let entry = OpenCLDiscovery.discover().devices.first else { throw XCTSkip("no OpenCL device") }
        let openCL = [try OpenCLBackend(entry: entry)] + (entry.isGPU ? [] : [try OpenCLBackend(entry: entry, paths: .gpu)])
        let (batch, time) = (8, 24)
        for preset in ReferencePreset.allCases {
            let model = try preset.model(maxlen: time)
            let u = Philox(seed: 77).uniforms(count: batch * time + batch, stream: UInt32(preset.maxlen))
            let ids = (0..<(batch * time)).map { Int32(Float(preset.vocabulary - 1) * u[$0]) }
            let labels = (0..<batch).map { Float(u[batch * time + $0] > 0.5 ? 1 : 0) }
            let data = LabeledSequences(tokenIDs: ids, labels: labels, time: time)
            var losses: [[Double]] = []
            for backend in [CPUBackend() as Backend] + openCL {
                // One batch per epoch: each epoch's loss is one step's loss.
                let trainer = try Trainer(model: model, configuration: preset.configuration(seed: 3, batchSize: batch), backend: backend)
                losses.append(try trainer.fit(data, epochs: 20).epochs.map(\.loss))
            }
            for (device, deviceLosses) in zip(openCL.map(\.device.identifier), losses.dropFirst()) {
                for step in 0..<20 {
                    XCTAssertEqual(deviceLosses[step], losses[0][step], accuracy: 2e-3 * abs(losses[0][step]),
                                   "\(preset.rawValue) on \(device), step \(step + 1)")
                }
            }
            XCTAssertLessThan(losses[0].last!, losses[0].first!, "\(preset.rawValue) learns its one batch")
        }
    }
}
