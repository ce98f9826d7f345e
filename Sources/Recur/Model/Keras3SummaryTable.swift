/// Keras 3's `print_summary` for a sequential model, as `rich` draws it without colours.
///
/// Keras sizes the columns at 45 %, 80 % and 100 % of the line; rich then adds one space of
/// padding on each side and, the table being wider than the line, takes the excess back from
/// the columns in equal shares (`ratio_reduce`). Cells wrap at spaces; a word wider than its
/// column is cut with `…`. The parameter column is right-aligned.
struct Keras3SummaryTable {
    let model: SequentialModel
    let lineLength: Int

    func render() -> String {
        let widths = columnWidths()
        var lines = ["Model: \"\(model.name)\""]
        lines.append(rule("┏", "━", "┳", "┓", widths))
        lines += row(["Layer (type)", "Output Shape", "Param #"], widths, border: "┃")
        lines.append(rule("┡", "━", "╇", "┩", widths))
        for (index, layer) in model.layers.enumerated() {
            if index > 0 { lines.append(rule("├", "─", "┼", "┤", widths)) }
            lines += row(["\(layer.name) (\(layer.kerasClassName))", layer.outputShape.description,
                          SummaryFormat.grouped(layer.parameterCount)], widths)
        }
        lines.append(rule("└", "─", "┴", "┘", widths))
        let bytes = SummaryFormat.bytesPerParameter
        func total(_ label: String, _ count: Int) -> String {
            " \(label): \(SummaryFormat.grouped(count)) (\(SummaryFormat.memorySize(bytes: count * bytes)))"
        }
        lines.append(total("Total params", model.parameterCount))
        lines.append(total("Trainable params", model.trainableParameterCount))
        lines.append(total("Non-trainable params", model.nonTrainableParameterCount))
        return lines.joined(separator: "\n")
    }

    /// Content widths (without padding) of the three columns.
    func columnWidths() -> [Int] {
        var requested: [Int] = []
        var current = 0
        for position in [0.45, 0.80, 1.0] {
            let width = Int(position * Double(lineLength)) - current
            requested.append(width)
            current += width
        }
        // rich: each fixed-width column measures width + 2 (padding); the table may use the line
        // less its 4 border characters.
        var measured = requested.map { $0 + 2 }
        let available = lineLength - (requested.count + 1)
        let excess = measured.reduce(0, +) - available
        if excess > 0 { measured = Self.ratioReduce(excess, values: measured) }
        return measured.map { max($0 - 2, 1) }
    }

    /// rich's `ratio_reduce` with equal ratios: take `total` from the values in turn, each its
    /// share of what is left, rounded half to even as Python's `round` does.
    static func ratioReduce(_ total: Int, values: [Int]) -> [Int] {
        var remaining = total
        var ratioLeft = values.count
        return values.map { value in
            let share = (Double(remaining) / Double(ratioLeft)).rounded(.toNearestOrEven)
            let distributed = min(value, Int(share))
            remaining -= distributed
            ratioLeft -= 1
            return value - distributed
        }
    }

    private func rule(_ left: String, _ fill: String, _ cross: String, _ right: String, _ widths: [Int]) -> String {
        left + widths.map { String(repeating: fill, count: $0 + 2) }.joined(separator: cross) + right
    }

    private func row(_ cells: [String], _ widths: [Int], border: String = "│") -> [String] {
        let wrapped = zip(cells, widths).map { Self.wrap($0, width: $1) }
        let height = wrapped.map(\.count).max() ?? 1
        return (0..<height).map { lineIndex in
            let parts = wrapped.enumerated().map { column, lines -> String in
                let text = lineIndex < lines.count ? lines[lineIndex] : ""
                let padding = String(repeating: " ", count: max(widths[column] - text.count, 0))
                return " " + (column == 2 ? padding + text : text + padding) + " "
            }
            return border + parts.joined(separator: border) + border
        }
    }

    /// Greedy word wrap at spaces; a word wider than the column is cut to fit, ending in `…`.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let fitted = word.count > width ? String(word.prefix(width - 1)) + "…" : word
            if current.isEmpty {
                current = fitted
            } else if current.count + 1 + fitted.count <= width {
                current += " " + fitted
            } else {
                lines.append(current)
                current = fitted
            }
        }
        lines.append(current)
        return lines
    }
}
