// The example page: a start link is ready before the click, so the popup opens within the click itself
// (browsers block popups opened later); the SDK is imported from the receiver.
const receiver = document.documentElement.dataset.receiver;
const { connect } = await import(`${receiver}/sdk/connect.js`);

const button = document.getElementById('connect');
const status = document.getElementById('status');

async function newStartLink() {
  const answer = await fetch('/api/connect', { method: 'POST' });
  return (await answer.json()).start_url;
}

let startUrl = await newStartLink();
button.disabled = false;

button.addEventListener('click', async () => {
  status.textContent = 'Connecting…';
  try {
    const result = await connect(startUrl);
    status.textContent = `Connected (${result.onboarding_id}).`;
  } catch (error) {
    status.textContent = `Not connected: ${error.code}.`;
    startUrl = await newStartLink();
  }
});
