import Foundation

/// Precision, recall, F1 and support per class with macro and weighted averages — the table
/// scikit-learn's `classification_report` prints and document 004 shows.
public struct ClassificationReport: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var name: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int
    }

    public var classes: [Row]
    public var accuracy: Double
    public var macro: Row
    public var weighted: Row

    /// - Parameters: predicted and actual class indices, and the class names in index order.
    public init(predicted: [Int], actual: [Int], classNames: [String]) {
        precondition(predicted.count == actual.count, "one prediction per label")
        var rows: [Row] = []
        for (k, name) in classNames.enumerated() {
            let truePositives = zip(predicted, actual).filter { $0 == k && $1 == k }.count
            let predictedCount = predicted.filter { $0 == k }.count
            let support = actual.filter { $0 == k }.count
            // scikit-learn's zero_division default: an undefined ratio counts as 0.
            let precision = predictedCount == 0 ? 0 : Double(truePositives) / Double(predictedCount)
            let recall = support == 0 ? 0 : Double(truePositives) / Double(support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            rows.append(Row(name: name, precision: precision, recall: recall, f1: f1, support: support))
        }
        classes = rows
        let total = actual.count
        accuracy = total == 0 ? 0 : Double(zip(predicted, actual).filter { $0 == $1 }.count) / Double(total)
        let n = Double(max(rows.count, 1))
        macro = Row(name: "macro avg", precision: rows.map(\.precision).reduce(0, +) / n, recall: rows.map(\.recall).reduce(0, +) / n,
                    f1: rows.map(\.f1).reduce(0, +) / n, support: total)
        func weightedMean(_ value: (Row) -> Double) -> Double {
            total == 0 ? 0 : rows.reduce(0) { $0 + value($1) * Double($1.support) } / Double(total)
        }
        weighted = Row(name: "weighted avg", precision: weightedMean(\.precision), recall: weightedMean(\.recall),
                       f1: weightedMean(\.f1), support: total)
    }

    /// The table in scikit-learn's layout.
    public var text: String {
        let width = max(12, (classes.map(\.name) + ["weighted avg"]).map(\.count).max()!)
        func row(_ r: Row) -> String {
            String(repeating: " ", count: width - r.name.count) + r.name
                + String(format: "%11.2f%10.2f%10.2f%10d", r.precision, r.recall, r.f1, r.support)
        }
        var lines = [String(repeating: " ", count: width) + "  precision    recall  f1-score   support", ""]
        lines += classes.map(row)
        lines.append("")
        lines.append(String(repeating: " ", count: width - 8) + "accuracy" + String(repeating: " ", count: 21)
                     + String(format: "%10.2f%10d", accuracy, macro.support))
        lines += [row(macro), row(weighted)]
        return lines.joined(separator: "\n")
    }
}
