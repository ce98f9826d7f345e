import Foundation
import Recur

/// A finished (or interrupted) `recur train` folder, opened for evaluation or prediction: its
/// settings, tokenizer and a trainer holding the chosen checkpoint's weights.
struct SavedRun {
    let folder: URL
    let settings: TrainingRun.Settings
    let tokenizer: Tokenizer
    let trainer: Trainer

    init(_ path: String, checkpoint: String, backend: Backend) throws {
        let folder = URL(fileURLWithPath: path)
        self.folder = folder
        do {
            settings = try JSONDecoder().decode(TrainingRun.Settings.self, from: try Self.read("run.json", in: folder))
            tokenizer = try JSONDecoder().decode(Tokenizer.self, from: try Self.read("tokenizer.json", in: folder))
        } catch let error as CommandFailure { throw error } catch {
            throw CommandFailure("\(path): run.json or tokenizer.json is unreadable (\(error))")
        }
        let url = folder.appendingPathComponent("\(checkpoint).safetensors")
        do { trainer = try Trainer.resume(from: url, backend: backend).trainer } catch {
            throw CommandFailure("cannot read checkpoint \(url.path): \(error)")
        }
    }

    static func read(_ name: String, in folder: URL) throws -> Data {
        do { return try Data(contentsOf: folder.appendingPathComponent(name)) } catch {
            throw CommandFailure("\(folder.path) has no readable \(name); pass the folder a `recur train` run wrote")
        }
    }

    /// Token ids `[N, maxlen]` for raw texts, as training prepared them.
    func tokenIDs(_ texts: [String]) -> [Int32] {
        padSequences(tokenizer.sequences(for: texts), maxlen: settings.maxlen).values
    }

    /// Class index and its probability for each row of model outputs.
    func decisions(_ outputs: [Float]) -> [(label: Int, probability: Float)] {
        let classes = trainer.model.outputShape.features ?? 1
        return stride(from: 0, to: outputs.count, by: classes).map { start in
            if classes == 1 { return (outputs[start] > 0.5 ? 1 : 0, outputs[start]) }
            let row = outputs[start..<(start + classes)]
            let best = row.indices.max { row[$0] < row[$1] }!
            return (best - start, row[best])
        }
    }
}
