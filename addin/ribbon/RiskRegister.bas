Attribute VB_Name = "RiskRegister"
' The one ribbon callback: every button passes its id to the Python dispatcher, which checks it against
' its allow-list. Keeping the VBA this small means new buttons need no VBA change.
Option Explicit

Sub OnRibbonButton(control As IRibbonControl)
    RunPython "import addin.dispatch; addin.dispatch.run('" & control.Id & "')"
End Sub
