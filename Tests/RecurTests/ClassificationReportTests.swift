import XCTest
@testable import Recur

final class ClassificationReportTests: XCTestCase {
    /// Hand count: class 0 predicted 4 times (3 right), actual 5 times; class 1 predicted 6
    /// times (4 right), actual 5 times.
    func testMetricsMatchAHandCount() {
        let actual = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
        let predicted = [0, 0, 0, 1, 1, 1, 1, 1, 1, 0]
        let report = ClassificationReport(predicted: predicted, actual: actual, classNames: ["neg", "pos"])
        XCTAssertEqual(report.classes[0].precision, 3.0 / 4, accuracy: 1e-12)
        XCTAssertEqual(report.classes[0].recall, 3.0 / 5, accuracy: 1e-12)
        XCTAssertEqual(report.classes[1].precision, 4.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(report.classes[1].recall, 4.0 / 5, accuracy: 1e-12)
        XCTAssertEqual(report.classes[0].f1, 2 * 0.75 * 0.6 / 1.35, accuracy: 1e-12)
        XCTAssertEqual(report.accuracy, 0.7, accuracy: 1e-12)
        XCTAssertEqual(report.macro.precision, (0.75 + 4.0 / 6) / 2, accuracy: 1e-12)
        XCTAssertEqual(report.weighted.support, 10)
        XCTAssertTrue(report.text.contains("weighted avg"))
        XCTAssertTrue(report.text.contains("         neg       0.75      0.60      0.67         5"), report.text)
    }

    func testAClassNeverPredictedHasZeroPrecisionNotNaN() {
        let report = ClassificationReport(predicted: [0, 0], actual: [0, 1], classNames: ["a", "b"])
        XCTAssertEqual(report.classes[1].precision, 0)
        XCTAssertEqual(report.classes[1].f1, 0)
    }
}
