// Forms marked data-auto-submit send themselves when a choice changes (a button is there without script).
document.querySelectorAll('form[data-auto-submit]').forEach(form =>
  form.addEventListener('change', () => form.requestSubmit()));
