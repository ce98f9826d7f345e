import Foundation

/// A run's history as the files users open: `history.json`, `history.csv` (one row per epoch,
/// Keras's metric names) and `history.svg` (loss and accuracy curves for training and
/// validation, the two plots the reference documents draw). Each is written atomically, so an
/// interrupted run never leaves a torn file.
public enum HistoryFiles {
    public static func write(_ history: History, to directory: URL) throws {
        let writer = AtomicFileWriter()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writer.write(try encoder.encode(history), to: directory.appendingPathComponent("history.json"))
        try writer.write(Data(csv(history).utf8), to: directory.appendingPathComponent("history.csv"))
        try writer.write(Data(svg(history).utf8), to: directory.appendingPathComponent("history.svg"))
    }

    public static func csv(_ history: History) -> String {
        var lines = ["epoch,loss,accuracy,val_loss,val_accuracy,seconds"]
        for e in history.epochs {
            let fields = [String(e.epoch), number(e.loss), number(e.accuracy), e.validationLoss.map(number) ?? "",
                          e.validationAccuracy.map(number) ?? "", number(e.seconds)]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ value: Double) -> String { String(format: "%.6g", value) }

    /// Two panels side by side: loss, then accuracy; training solid, validation dashed.
    public static func svg(_ history: History) -> String {
        let (panelWidth, height, margin) = (420.0, 300.0, 48.0)
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(2 * panelWidth))" height="\(Int(height))" \
        viewBox="0 0 \(Int(2 * panelWidth)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>

        """
        let panels: [(String, (EpochMetrics) -> Double, (EpochMetrics) -> Double?)] = [
            ("loss", { $0.loss }, { $0.validationLoss }), ("accuracy", { $0.accuracy }, { $0.validationAccuracy }),
        ]
        for (index, panel) in panels.enumerated() {
            let x0 = Double(index) * panelWidth
            let training = history.epochs.map { (Double($0.epoch), panel.1($0)) }
            let validation = history.epochs.compactMap { e in panel.2(e).map { (Double(e.epoch), $0) } }
            let values = (training + validation).map(\.1).filter(\.isFinite)
            var low = values.min() ?? 0, high = values.max() ?? 1
            if high - low < 1e-9 { low -= 0.5; high += 0.5 }
            let epochs = Double(max(history.epochs.count, 2))
            func point(_ p: (Double, Double)) -> String {
                let x = x0 + margin + (p.0 - 1) / (epochs - 1) * (panelWidth - 1.6 * margin)
                let y = height - margin - (p.1 - low) / (high - low) * (height - 2 * margin)
                return String(format: "%.1f,%.1f", x, y)
            }
            out += """
            <text x="\(Int(x0 + panelWidth / 2))" y="20" text-anchor="middle" font-weight="bold">\(panel.0)</text>
            <line x1="\(Int(x0 + margin))" y1="\(Int(height - margin))" x2="\(Int(x0 + panelWidth - 0.6 * margin))" y2="\(Int(height - margin))" stroke="black"/>
            <line x1="\(Int(x0 + margin))" y1="\(Int(margin))" x2="\(Int(x0 + margin))" y2="\(Int(height - margin))" stroke="black"/>
            <text x="\(Int(x0 + margin - 4))" y="\(Int(margin + 4))" text-anchor="end">\(String(format: "%.3g", high))</text>
            <text x="\(Int(x0 + margin - 4))" y="\(Int(height - margin + 4))" text-anchor="end">\(String(format: "%.3g", low))</text>
            <text x="\(Int(x0 + panelWidth / 2))" y="\(Int(height - 12))" text-anchor="middle">epoch</text>

            """
            for (series, style, label) in [(training, "", "training"), (validation, " stroke-dasharray=\"6 4\"", "validation")] where !series.isEmpty {
                let color = label == "training" ? "#1f77b4" : "#ff7f0e"
                out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(style) points=\"\(series.filter { $0.1.isFinite }.map(point).joined(separator: " "))\"/>\n"
                let legendY = label == "training" ? 40 : 56
                out += "<text x=\"\(Int(x0 + panelWidth - 0.6 * margin))\" y=\"\(legendY)\" text-anchor=\"end\" fill=\"\(color)\">\(label)</text>\n"
            }
        }
        return out + "</svg>\n"
    }
}
