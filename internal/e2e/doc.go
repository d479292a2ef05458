// Package e2e holds the end-to-end tests of the buyers' web questionnaire: the real server on
// a loopback port, driven by headless Chromium (through chromedp) the way a buyer drives it,
// with axe-core checking every page and Lighthouse scoring the main ones.
//
// The tests skip, saying what to install, when Chromium (apt-get install chromium, or
// ADVISOR_TEST_CHROMIUM naming the binary), Node.js or web/e2e/node_modules (cd web/e2e &&
// npm ci) are missing; .ci/run installs all three.
//
// With ADVISOR_E2E_SCREENSHOTS set to a folder (relative paths are taken from the repository
// root), the journey test writes step.png and result.png there; docs/screenshots holds the
// committed copies.
package e2e
