/* Admin pages: a select marked data-autosubmit sends its form when changed (no inline
   handlers: the Content-Security-Policy allows only our own script files). */
document.addEventListener("change", function (event) {
  var select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.submit();
});
