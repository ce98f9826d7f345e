import ArgumentParser
import Foundation
import Recur

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a model's summary in Keras's layout, with Keras's parameter counts.",
        discussion: """
        The model is a preset (\(ReferencePreset.allCases.map(\.rawValue).joined(separator: ", "))) or a file with
        the JSON that Keras's model.to_json() writes (Keras 2 or 3).

        Examples:
          recur summary lstm-imdb
          recur summary model.json --style keras2
        """)

    @Argument(help: "A preset name or a Keras model JSON file.")
    var model: String

    @Option(help: "keras3 (default) or keras2, the layout the reference documents print.")
    var style: String = "keras3"

    func run() throws {
        let sequential: SequentialModel
        if let preset = ReferencePreset(rawValue: model) {
            sequential = try preset.model()
        } else if FileManager.default.fileExists(atPath: model) {
            do {
                sequential = try SequentialModel(kerasJSON: try Data(contentsOf: URL(fileURLWithPath: model)))
            } catch {
                throw CommandFailure("\(model): \(error)")
            }
        } else {
            throw CommandFailure("'\(model)' is neither a preset (\(ReferencePreset.allCases.map(\.rawValue).joined(separator: ", "))) nor a model JSON file")
        }
        switch style {
        case "keras3": print(sequential.summary(style: .keras3))
        case "keras2": print(sequential.summary(style: .keras2))
        default: throw ValidationError("--style must be keras3 or keras2, got '\(style)'")
        }
    }
}
