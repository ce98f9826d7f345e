import Foundation
import Recur

/// Keras's progress line: `157/157 [==============================] - 21s 134ms/step - loss: …`,
/// redrawn in place on a terminal, one plain line per epoch otherwise.
struct ProgressLine {
    let interactive = isatty(STDOUT_FILENO) != 0
    var started = Date()

    mutating func startEpoch(_ epoch: Int, of epochs: Int) {
        print("Epoch \(epoch)/\(epochs)")
        started = Date()
    }

    func step(_ step: Int, of steps: Int) {
        guard interactive else { return }
        let elapsed = Date().timeIntervalSince(started)
        let eta = elapsed / Double(step) * Double(steps - step)
        print("\r\(bar(step, steps)) - ETA: \(Int(eta.rounded()))s", terminator: "")
        fflush(stdout)
    }

    func finish(_ m: EpochMetrics) {
        var line = "\(bar(m.steps, m.steps)) - \(Int(m.seconds.rounded()))s \(Int((1000 * m.seconds / Double(max(m.steps, 1))).rounded()))ms/step"
        line += String(format: " - loss: %.4f - acc: %.4f", m.loss, m.accuracy)
        if let l = m.validationLoss, let a = m.validationAccuracy { line += String(format: " - val_loss: %.4f - val_acc: %.4f", l, a) }
        print((interactive ? "\r" : "") + line + (interactive ? "\u{1B}[K" : ""))
        fflush(stdout)
    }

    func bar(_ step: Int, _ steps: Int) -> String {
        let width = 30, filled = steps == 0 ? width : width * step / steps
        let arrow = filled < width ? ">" : ""
        let body = String(repeating: "=", count: max(filled - arrow.count, 0)) + arrow + String(repeating: ".", count: width - filled)
        let count = String(steps).count
        return String(repeating: " ", count: count - String(step).count) + "\(step)/\(steps) [\(body)]"
    }
}
