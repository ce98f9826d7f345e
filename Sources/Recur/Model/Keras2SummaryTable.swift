/// tf.keras 2's `print_summary` (before TF 2.9) for a sequential model, as the reference
/// documents print it: 65 columns split at 45 % and 85 %, each field cut to its column (the
/// last character of a full column becomes the separating space), rows between underscore
/// rules, parameter counts ungrouped in rows and grouped in the totals.
struct Keras2SummaryTable {
    let model: SequentialModel
    let lineLength = 65

    func render() -> String {
        let positions = [0.45, 0.85, 1.0].map { Int($0 * Double(lineLength)) }
        var lines = ["Model: \"\(model.name)\""]
        lines.append(String(repeating: "_", count: lineLength))
        lines.append(Self.row(["Layer (type)", "Output Shape", "Param #"], positions))
        lines.append(String(repeating: "=", count: lineLength))
        for (index, layer) in model.layers.enumerated() {
            lines.append(Self.row(["\(layer.name) (\(layer.kerasClassName))", layer.outputShape.description,
                                   String(layer.parameterCount)], positions))
            let last = index == model.layers.count - 1
            lines.append(String(repeating: last ? "=" : "_", count: lineLength))
        }
        lines.append("Total params: \(SummaryFormat.grouped(model.parameterCount))")
        lines.append("Trainable params: \(SummaryFormat.grouped(model.trainableParameterCount))")
        lines.append("Non-trainable params: \(SummaryFormat.grouped(model.nonTrainableParameterCount))")
        lines.append(String(repeating: "_", count: lineLength))
        return lines.joined(separator: "\n")
    }

    /// Keras 2's `print_row`: append each field, cut the line at the column's end, pad to it.
    static func row(_ fields: [String], _ positions: [Int]) -> String {
        var line = ""
        for (index, field) in fields.enumerated() {
            if index > 0 { line = String(line.dropLast()) + " " }
            line += field
            line = String(line.prefix(positions[index]))
            line += String(repeating: " ", count: max(positions[index] - line.count, 0))
        }
        return line
    }
}
